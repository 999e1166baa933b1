// The byte sources live with the PDF utilities (shared/pdf/source.ts): signing reads files by position too.
export * from "../../pdf/source.ts";
