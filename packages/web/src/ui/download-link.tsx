// A download link that works when the gateway needs a bearer token for reads: a plain `<a download>` cannot send
// the Authorization header, so with a token the file is fetched with it and handed to the browser as a blob.
// Without one the browser downloads natively (streamed to disk, however big).
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { MedkitClient } from '@medkit/client';

/** A download that takes longer than this is given up (the link can be clicked again). */
const DOWNLOAD_DEADLINE_MS = 10 * 60_000;

/** The file name the gateway gives (Content-Disposition), else the path's last segment. */
export function downloadName(contentDisposition: string | null, path: string): string {
  const m = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(contentDisposition ?? '');
  const raw = m ? m[1] : (path.split('/').pop() ?? 'download');
  let name: string;
  try {
    name = decodeURIComponent(raw);
  } catch {
    name = raw;
  }
  // Only a base name: the browser sanitises too, but a path in a name is never meant.
  return name.replace(/[/\\]/g, '_').slice(0, 255) || 'download';
}

function save(href: string, name?: string): void {
  const a = document.createElement('a');
  a.href = href;
  a.download = name ?? '';
  document.body.appendChild(a);
  a.click();
  a.remove();
}

/** `path` is an API path (relative to /api/v1 or absolute under it). */
export function DownloadLink({ client, path, children }: { client: MedkitClient; path: string; children: ComponentChildren }) {
  const href = client.url(path);
  const [state, setState] = useState<{ busy?: boolean; error?: string }>({});
  const onClick = async (e: MouseEvent) => {
    e.preventDefault();
    if (state.busy) return;
    const headers = await client.authHeaders(false);
    if (!headers.authorization) return save(href);
    setState({ busy: true });
    try {
      const res = await fetch(href, { headers, signal: AbortSignal.timeout(DOWNLOAD_DEADLINE_MS) });
      if (!res.ok) {
        const body = (await res.json().catch(() => undefined)) as { message?: string } | undefined;
        throw new Error(`HTTP ${res.status}${body?.message ? `: ${body.message}` : ''}`);
      }
      const url = URL.createObjectURL(await res.blob());
      save(url, downloadName(res.headers.get('content-disposition'), path));
      // The browser has taken the blob by the time this runs; revoking frees its memory.
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setState({});
    } catch (err) {
      setState({ error: `Download failed: ${(err as Error).message}` });
    }
  };
  return (
    <>
      <a href={href} download onClick={onClick} aria-busy={state.busy ? 'true' : undefined}>
        {children}
      </a>
      {state.error && (
        <span class="error small" role="alert" data-testid="download-error">
          {' '}
          {state.error}
        </span>
      )}
    </>
  );
}
