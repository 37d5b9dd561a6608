// How long workflowRunGraph takes on a 10,000-node run (plain and compressed nodes), median of 15,
// as wall time and as this process's CPU time (which a loaded machine disturbs less).
// A measurement to read, not a test: `node --import tsx scripts/runGraphTiming.ts`.
import { gzipSync } from 'node:zlib';
import { workflowRunGraph } from '../src/core/pipelineRun/runGraph';
import { syntheticFanOutRun } from '../test/fixtures/runs/syntheticRun';

const run = (failing: number[]) => syntheticFanOutRun({ name: 'timing', width: 9995, failing });
const pack = (wf: ReturnType<typeof run>) => ({ ...wf, status: { ...wf.status, nodes: undefined, compressedNodes: gzipSync(JSON.stringify(wf.status.nodes)).toString('base64') } });
const wf = run([17, 4000, 9000]);
// Two different compressed texts, taken in turn, so every call decodes (storedWorkflowNodes keeps the last one).
const packed = [pack(wf), pack(run([18, 4001, 9001]))];

function median(fn: (i: number) => void): string {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < 3; i++) fn(i); // warm up the JIT
  for (let i = 0; i < 15; i++) {
    const t = performance.now();
    const c = process.cpuUsage();
    fn(i);
    const used = process.cpuUsage(c);
    cpu.push((used.user + used.system) / 1000);
    wall.push(performance.now() - t);
  }
  const mid = (xs: number[]) => xs.sort((a, b) => a - b)[7].toFixed(1);
  return `${mid(wall)} ms wall, ${mid(cpu)} ms CPU`;
}
console.log(`10,000 nodes, status.nodes:                      ${median(() => workflowRunGraph(wf))}`);
console.log(`10,000 nodes, status.compressedNodes, decoded:   ${median((i) => workflowRunGraph(packed[i % 2]))} (${(packed[0].status.compressedNodes.length / 1024).toFixed(0)} KiB base64)`);
console.log(`10,000 nodes, status.compressedNodes, same text: ${median(() => workflowRunGraph(packed[0]))}`);
