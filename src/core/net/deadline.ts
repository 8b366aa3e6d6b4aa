import type http from 'node:http';

/**
 * Cut the attempt off `ms` after the request was sent, however the server trickles its answer.
 * The idle timer alone never fires for a server that sends a byte a second.
 */
export function armDeadline(request: http.ClientRequest, ms: number): void {
  let timer: NodeJS.Timeout | undefined;
  request.on('finish', () => {
    timer = setTimeout(() => {
      const error = Object.assign(
        new Error(`the response took longer than ${Math.round(ms / 1000)} s (the deadline) and was cut off`),
        { code: 'E_HTTP_DEADLINE' },
      );
      request.destroy(error);
    }, ms);
    timer.unref?.();
  });
  request.on('close', () => clearTimeout(timer));
}
