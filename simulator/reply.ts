/**
 * What a handler answers, before the transport applies faults. Bodies are whole strings: pages
 * are built in memory one at a time (a page, never an export).
 */

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const JSON_TYPE = 'application/json';
// SC serves its JSON error envelopes as text/html (reference §1.2).
const HTML_TYPE = 'text/html; charset=UTF-8';

/** SC's envelope (reference §1.3); `timestamp` is epoch seconds. */
export function envelope(response: unknown, nowSeconds: number, errorCode = 0, errorMsg = ''): string {
  return JSON.stringify({
    type: 'regular',
    response,
    error_code: errorCode,
    error_msg: errorMsg,
    warnings: [],
    timestamp: nowSeconds,
  });
}

/** A successful SC answer. */
export function okReply(response: unknown, nowSeconds: number): Reply {
  return { status: 200, headers: { 'content-type': JSON_TYPE }, body: envelope(response, nowSeconds) };
}

/** An SC error envelope, served as text/html like real SC. */
export function errorReply(status: number, errorCode: number, errorMsg: string, nowSeconds: number): Reply {
  return {
    status,
    headers: { 'content-type': HTML_TYPE },
    body: envelope('', nowSeconds, errorCode, errorMsg),
  };
}

/** A plain HTML page (what a proxy, a web server or SC's Apache front answers). */
export function htmlReply(
  status: number,
  title: string,
  text: string,
  extraHeaders: Record<string, string> = {},
): Reply {
  const body = `<!DOCTYPE html>\n<html><head><title>${status} ${title}</title></head><body><h1>${title}</h1><p>${text}</p></body></html>\n`;
  return { status, headers: { 'content-type': HTML_TYPE, ...extraHeaders }, body };
}
