import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { percentile } from './percentile';

/**
 * The yardsticks every time target is measured against (issue 25, "targets that travel between
 * machines"): a fixed CPU workload timed in this process, and a fixed generated module imported in a
 * fresh process (cold-start.ts). A time target is a multiple of the yardstick taken in the same run,
 * so a slower or busier machine moves both and fails only what is really slower.
 */

export interface ReferenceSample {
  /** Where in the run the sample was taken (the phase it was taken for). */
  readonly label: string;
  /** Median wall time of one workload unit, ms. */
  readonly wallMs: number;
  /** Median CPU time (user + system) of one unit, ms. */
  readonly cpuMs: number;
  readonly units: number;
}

/**
 * One unit of the fixed CPU workload: the kinds of work a request does in JavaScript (JSON in and
 * out, string building, a sort, small objects) on inputs fixed by a seeded generator, so every run and
 * every machine does exactly the same work. About 1 ms on a quiet core of the machines the targets
 * were set on.
 */
export const referenceWorkload = (): number => {
  let seed = 0x2545f491;
  const next = (): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 4294967296;
  };
  const items = Array.from({ length: 400 }, (_, i) => ({
    id: `integration-${i.toString(36).padStart(8, '0')}`,
    name: `Repository ${Math.floor(next() * 1e6)}`,
    requireUserPat: next() < 0.5,
    overrides: Array.from({ length: 4 }, (__, r) => ({ repositoryId: `acme/repo-${r}-${Math.floor(next() * 1000)}`, on: next() < 0.5 })),
  }));
  const text = JSON.stringify({ integrations: items });
  const parsed = JSON.parse(text) as { integrations: typeof items };
  const sorted = [...parsed.integrations].sort((a, b) => a.name.localeCompare(b.name));
  let checksum = 0;
  for (const item of sorted) {
    const line = `${item.id}:${item.name}:${item.overrides.filter((o) => o.on).map((o) => o.repositoryId).join(',')}`;
    for (let c = 0; c < line.length; c += 7) checksum = (checksum * 31 + line.charCodeAt(c)) | 0;
  }
  return checksum;
};

/** The checksum of one unit: a run whose workload answers anything else did different work. */
const EXPECTED_CHECKSUM = referenceWorkload();

/**
 * Times `units` runs of the workload (after a few to warm the JIT), median wall and CPU per unit.
 * Taken just before each timed phase, so it sees the machine as that phase does.
 */
export const measureReference = (label: string, units = 41): ReferenceSample => {
  for (let i = 0; i < 10; i += 1) referenceWorkload();
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < units; i += 1) {
    const cpu = process.cpuUsage();
    const started = performance.now();
    const checksum = referenceWorkload();
    walls.push(performance.now() - started);
    const spent = process.cpuUsage(cpu);
    cpus.push((spent.user + spent.system) / 1000);
    if (checksum !== EXPECTED_CHECKSUM) throw new Error('the reference workload did different work');
  }
  return { label, wallMs: percentile(walls, 50), cpuMs: percentile(cpus, 50), units };
};

/**
 * The reference module for import times: fixed generated ES module source (about 300 KB of functions,
 * classes and a table, minified-looking like a bundle), written where the cold-start runner can import
 * it in a fresh process beside the handlers.
 */
export const referenceModuleSource = (): string => {
  const parts: string[] = [];
  for (let i = 0; i < 1000; i += 1) {
    parts.push(
      `function f${i}(a,b){const o={k:"v${i}",n:${i},l:[a,b,${i % 97}]};if(a>b){return o.l.map(x=>x*${(i % 13) + 1}).join("-")+o.k}for(let j=0;j<${i % 5};j++){o.n+=j*a}return JSON.stringify(o)}`,
      `class C${i}{constructor(x){this.x=x;this.y="${'abcdefghij'.repeat(1 + (i % 3))}"}get z(){return this.x+${i}}m(q){return q?f${i}(this.x,q):this.y}}`,
    );
  }
  parts.push(`export const table=[${Array.from({ length: 1000 }, (_, i) => `[f${i},C${i}]`).join(',')}];`);
  parts.push('export const handler=async()=>({statusCode:200,body:String(table.length)});');
  return `${parts.join('\n')}\n`;
};

export const writeReferenceModule = (file: string): number => {
  const source = referenceModuleSource();
  writeFileSync(file, source);
  return Buffer.byteLength(source);
};

/** A measured time as a multiple of the reference: "1.3×". */
export const times = (value: number, reference: number): number => value / reference;
