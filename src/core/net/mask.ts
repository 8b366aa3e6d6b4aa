/** Hide `user:password@` in a URL for messages and logs (keeps the user name, masks the password). */
export function maskUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^/@\s]*)@/i, (_m, scheme: string, userinfo: string) => {
    const user = userinfo.split(':')[0] ?? '';
    return userinfo.includes(':') ? `${scheme}${user}:********@` : `${scheme}${user}@`;
  });
}
