// @peculiar/x509 needs the Reflect metadata polyfill (tsyringe); it is isomorphic.
import "reflect-metadata";
export * as x509 from "@peculiar/x509";
