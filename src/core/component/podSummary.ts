/**
 * One line about a run's pods for the Runs view: a SparkApplication's driver and executors with their
 * phases ("driver Running · executors 2 Running, 1 Pending"), so a user sees the executors come and
 * go; a one-pod run says nothing here (its phase is the run's).
 */
import { SPARK_DRIVER_CONTAINER, SPARK_EXECUTOR_CONTAINER } from './build';

export interface PodPhaseInfo {
  name: string;
  phase: string;
  containers: string[];
}

export function summarizePods(pods: readonly PodPhaseInfo[]): string | undefined {
  const driver = pods.find((p) => p.containers.includes(SPARK_DRIVER_CONTAINER));
  const executors = pods.filter((p) => p.containers.includes(SPARK_EXECUTOR_CONTAINER));
  if (!driver && !executors.length) return undefined;
  const parts: string[] = [];
  if (driver) parts.push(`driver ${driver.phase}`);
  if (executors.length) {
    const byPhase = new Map<string, number>();
    for (const e of executors) byPhase.set(e.phase, (byPhase.get(e.phase) ?? 0) + 1);
    const order = ['Running', 'Pending', 'Succeeded', 'Failed'];
    const rank = (phase: string): number => (order.includes(phase) ? order.indexOf(phase) : order.length);
    const phases = [...byPhase.entries()].sort((a, b) => rank(a[0]) - rank(b[0]));
    parts.push(`executors ${phases.map(([phase, n]) => `${n} ${phase}`).join(', ')}`);
  }
  return parts.join(' · ');
}
