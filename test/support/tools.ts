import { execFile } from "node:child_process";
import { promisify } from "node:util";

const execFileP = promisify(execFile);

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command-line tool; never throws on a non-zero exit (the tests judge the output). */
export async function tool(cmd: string, args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<ToolResult> {
  try {
    const { stdout, stderr } = await execFileP(cmd, args, {
      env: options.env ?? process.env,
      timeout: options.timeoutMs ?? 120_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number | string; stdout?: string; stderr?: string };
    return { code: typeof err.code === "number" ? err.code : 1, stdout: err.stdout ?? "", stderr: err.stderr ?? String(e) };
  }
}

export interface PdfsigSignature {
  field: string;
  valid: boolean;
  totalDocumentSigned: boolean;
  subFilter: string;
  hash: string;
}

/**
 * Poppler's pdfsig, the independent verifier: one entry per signature, in file order. Throws
 * when pdfsig fails (not installed, the file unreadable, no signature found) or prints nothing
 * it recognises, so that a check over its answer can never pass on an empty list.
 */
export async function pdfsig(file: string): Promise<PdfsigSignature[]> {
  const r = await tool("pdfsig", ["-nocert", file]);
  const blocks = r.stdout.split(/^Signature #\d+:$/m).slice(1);
  if (r.code !== 0 || blocks.length === 0) throw new Error(`pdfsig ${file} failed (exit ${r.code}): ${(r.stderr || r.stdout).trim().slice(0, 500)}`);
  return blocks.map((b) => ({
    field: /Signature Field Name: (.*)/.exec(b)?.[1]?.trim() ?? "",
    valid: /Signature Validation: Signature is Valid\./.test(b),
    totalDocumentSigned: /Total document signed/.test(b) && !/Not total document signed/.test(b),
    subFilter: /Signature Type: (.*)/.exec(b)?.[1]?.trim() ?? "",
    hash: /Signing Hash Algorithm: (.*)/.exec(b)?.[1]?.trim() ?? "",
  }));
}

/** qpdf --check: true when qpdf finds no damage. */
export async function qpdfCheck(file: string): Promise<{ ok: boolean; output: string }> {
  const r = await tool("qpdf", ["--check", file]);
  return { ok: r.code === 0 && /No syntax or stream encoding errors found/.test(r.stdout), output: r.stdout + r.stderr };
}
