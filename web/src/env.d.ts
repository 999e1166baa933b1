/// <reference types="vite/client" />
/// <reference types="vite-plugin-pwa/solid" />
declare const __VANTHU_VERSION__: string;
