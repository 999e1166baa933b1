import { renderPage } from "../documents/render.ts";

/**
 * Page pictures for the consent page, drawn once per document (started when the request is
 * made, awaited when the page is shown). A failed drawing is shown as such, never replaced
 * by anything the caller sent.
 */
export class Previews {
  private readonly byKey = new Map<string, Promise<string | undefined>>();
  /** One drawing at a time: a batch of many documents must not starve the agent's answers. */
  private queue: Promise<unknown> = Promise.resolve();

  start(key: string, pdf: Uint8Array, pageIndex: number): void {
    if (this.byKey.has(key)) return;
    const p = this.queue
      .then(() => renderPage(pdf, pageIndex))
      .then((r) => `data:image/png;base64,${Buffer.from(r.png).toString("base64")}`)
      .catch(() => undefined);
    this.queue = p;
    this.byKey.set(key, p);
    if (this.byKey.size > 500) this.byKey.delete(this.byKey.keys().next().value!);
  }

  get(key: string): Promise<string | undefined> {
    return this.byKey.get(key) ?? Promise.resolve(undefined);
  }
}
