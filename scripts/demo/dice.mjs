// The demo's randomness: which jobs come, how long they take, which attempts fail.
export const rand = (min, max) => min + Math.floor(Math.random() * (max - min + 1));
export const pick = (list) => list[Math.floor(Math.random() * list.length)];
export const chance = (p) => Math.random() < p;
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
