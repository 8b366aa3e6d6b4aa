/**
 * Which PKG-INFO of a tar sdist to keep while streaming it. The metadata is `<root>/PKG-INFO`,
 * where root is the common path of every member (twine's rule, see sdistMetadataMember), and
 * root is only known at the end. But the common path only shrinks as members go by, so a
 * PKG-INFO can only be the root one while its directory is a prefix of the common path so far:
 * every other one (a vendored package's, a test fixture's) is dropped at once, and at most two
 * are ever held (issue 10 C: 130 nested PKG-INFO files once held 2 GB).
 */
export class PkgInfoCandidates {
  private common: string[] | undefined;
  private readonly kept = new Map<string, Buffer>();

  /** Account for one member name (call for every member, before `wants`). */
  see(name: string): void {
    if (name === '' || name === '.') return;
    const parts = name.split('/');
    if (!this.common) this.common = parts;
    else {
      let i = 0;
      while (i < this.common.length && i < parts.length && this.common[i] === parts[i]) i += 1;
      if (i < this.common.length) this.common = this.common.slice(0, i);
    }
    for (const member of [...this.kept.keys()]) if (!this.couldBeRoot(member)) this.kept.delete(member);
  }

  /** True when `name` is a PKG-INFO that may still turn out to be the root one. */
  wants(name: string): boolean {
    return name.split('/').pop() === 'PKG-INFO' && this.couldBeRoot(name);
  }

  keep(name: string, data: Buffer): void {
    this.kept.set(name, data);
  }

  get(member: string): Buffer | undefined {
    return this.kept.get(member);
  }

  /** How many are held (for tests: never more than two). */
  get size(): number {
    return this.kept.size;
  }

  private couldBeRoot(member: string): boolean {
    const dir = member.split('/').slice(0, -1);
    const common = this.common ?? [];
    return dir.length <= common.length && dir.every((part, i) => part === common[i]);
  }
}
