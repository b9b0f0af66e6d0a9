/**
 * A worker's running attempts by job id.
 *
 * Not a Map, on purpose. A worker adds and removes an entry per job, so a Map's table is
 * replaced every few jobs, and V8 links each replaced table to its successor (for iterators)
 * and allocates the successor in the generation of the one it replaces. Once a table has aged
 * into the old generation (a worker idle through two minor GCs is enough) every later table
 * lands there too, and each dead one keeps the runs it held alive until the next full GC: the
 * records, Job objects and closures of about half the jobs were promoted, some 20 times the
 * memory a job otherwise leaves behind, with the GC work and CPU migrations that follow (see
 * docs/performance.md). An object's elements are a plain hash table once sparse: a deleted
 * entry is overwritten, a replaced store links to nothing, and a small one is allocated young.
 */
export class ActiveRuns<R> {
  private readonly byId: Record<number, R> = Object.create(null) as Record<number, R>;
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(id: number): R | undefined {
    return this.byId[id];
  }

  set(id: number, run: R): void {
    if (this.byId[id] === undefined) this.count++;
    this.byId[id] = run;
  }

  delete(id: number): void {
    if (this.byId[id] === undefined) return;
    this.count--;
    delete this.byId[id];
  }

  values(): R[] {
    return Object.values(this.byId);
  }
}
