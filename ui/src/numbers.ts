const nf = new Intl.NumberFormat();
/** A whole number with grouping: 1,000,000. */
export const num = (n: number): string => nf.format(n);
/** A count and the noun that goes with it: 1 job, 2 jobs. */
export const plural = (n: number, one: string, many: string) => `${num(n)} ${n === 1 ? one : many}`;
