import { VanthuError } from "../shared/errors.ts";

/** An error the HTTP layer turns into `{error:{code,message,messageVi}}` with its status. */
export class SyncError extends VanthuError {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 411 | 413 | 415 | 416 | 422 | 429 | 500 | 503,
    code: string,
    messageVi: string,
    messageEn: string,
    readonly details?: unknown,
  ) {
    super(code, messageVi, messageEn);
    this.name = "SyncError";
  }
}

export const notFound = (what: string, whatVi: string) =>
  new SyncError(404, "not_found", `Không tìm thấy ${whatVi} (hoặc bạn không có quyền xem).`, `${what} not found`);
export const forbidden = (messageVi: string, messageEn: string) => new SyncError(403, "forbidden", messageVi, messageEn);
