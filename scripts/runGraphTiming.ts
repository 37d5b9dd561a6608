// How long workflowRunGraph takes on a 10,000-node run (plain and compressed nodes), median of 15,
// as wall time and as this process's CPU time (which a loaded machine disturbs less).
// A measurement to read, not a test: `node --import tsx scripts/runGraphTiming.ts`.
import { gzipSync } from 'node:zlib';
import { workflowRunGraph } from '../src/core/pipelineRun/runGraph';
import { syntheticFanOutRun } from '../test/fixtures/runs/syntheticRun';

const wf = syntheticFanOutRun({ name: 'timing', width: 9995, failing: [17, 4000, 9000] });
const packed = { ...wf, status: { ...wf.status, nodes: undefined, compressedNodes: gzipSync(JSON.stringify(wf.status.nodes)).toString('base64') } };

function median(fn: () => void): string {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < 3; i++) fn(); // warm up the JIT
  for (let i = 0; i < 15; i++) {
    const t = performance.now();
    const c = process.cpuUsage();
    fn();
    const used = process.cpuUsage(c);
    cpu.push((used.user + used.system) / 1000);
    wall.push(performance.now() - t);
  }
  const mid = (xs: number[]) => xs.sort((a, b) => a - b)[7].toFixed(1);
  return `${mid(wall)} ms wall, ${mid(cpu)} ms CPU`;
}
console.log(`10,000 nodes, status.nodes:           ${median(() => workflowRunGraph(wf))}`);
console.log(`10,000 nodes, status.compressedNodes: ${median(() => workflowRunGraph(packed))} (${(packed.status.compressedNodes.length / 1024).toFixed(0)} KiB base64)`);
