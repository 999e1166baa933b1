#!/usr/bin/env node
// The `vanthu` command. TypeScript sources run through tsx so that a clone works after
// `npm install` with no build step.
import { register } from "tsx/esm/api";
register();
const { main } = await import("./cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
