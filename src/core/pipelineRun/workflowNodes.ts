/**
 * The nodes of an Argo run, however the controller stored them.
 *
 * Argo v3.6 keeps a run's nodes in `status.nodes`, a map of node id → node. When the Workflow object
 * grows past its size limit (about 1 MB), the controller's packer replaces the map with
 * `status.compressedNodes`: the same map as JSON, gzipped, then standard base64
 * (util/file CompressEncodeString, workflow/packer compressWorkflow). With a database configured
 * (`persistence.nodeStatusOffLoad`) it may instead move the nodes there and leave only
 * `status.offloadNodeStatusVersion` behind; those cannot be read from the cluster object at all.
 */
import { gunzipSync } from 'node:zlib';

export interface ArgoTemplateRef {
  name?: string;
  template?: string;
  clusterScope?: boolean;
}

export type ArgoNodeStatus = {
  /** The node's key in `status.nodes` (Argo also stores it as `id`; the key wins). */
  id: string;
  /** Path of the node in the run: `<workflow>.task(3:item).step`. */
  name: string;
  displayName?: string;
  /** Pod, Container, DAG, Steps, StepGroup, TaskGroup, Retry, Suspend, Skipped, HTTP, Plugin. */
  type?: string;
  templateName?: string;
  templateRef?: ArgoTemplateRef;
  phase?: string;
  boundaryID?: string;
  children?: string[];
  outboundNodes?: string[];
  message?: string;
  startedAt?: string;
  finishedAt?: string;
  /** Not stored by Argo: derived here with argoPodName for Pod and Container nodes. */
  podName?: string;
  inputs?: unknown;
  outputs?: unknown;
  resourcesDuration?: Record<string, number>;
  hostNodeName?: string;
};

export type WorkflowNodesResult =
  | { nodes: Record<string, ArgoNodeStatus>; source: 'nodes' | 'compressed' }
  | { nodes: undefined; unavailable: string };

interface WorkflowShape {
  metadata?: { name?: string; annotations?: Record<string, string> };
  status?: { nodes?: Record<string, unknown>; compressedNodes?: string; offloadNodeStatusVersion?: string };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function offloadedNodesMessage(version: string): string {
  return (
    `This run's nodes were offloaded to Argo's database (persistence.nodeStatusOffLoad, version ${version}); ` +
    'the Workflow object in the cluster no longer holds them, and Kindling cannot read them without that database. ' +
    "Open the run in Argo's UI or with `argo get` to see its nodes."
  );
}

/**
 * The node objects as stored (`status.nodes`) or decoded (`status.compressedNodes`), not copied: for
 * code that only reads them and must be fast on 10,000 nodes (the run graph, live colours). Never
 * change them: the last decoded map is shared by every caller that passes the same compressed text
 * (the live colours and the run view decode each update once, ~40 ms for 10,000 nodes).
 * Entries that are not objects are left out; `id`/`name` are as Argo wrote them (readWorkflowNodes
 * makes sure of both).
 */
export function storedWorkflowNodes(wf: unknown): { nodes: Record<string, Record<string, unknown>>; source: 'nodes' | 'compressed' } | { nodes: undefined; unavailable: string } {
  const status = isObject(wf) && isObject(wf.status) ? (wf.status as WorkflowShape['status'] & object) : {};
  if (isObject(status.nodes) && hasKeys(status.nodes)) return { nodes: objectsOnly(status.nodes), source: 'nodes' };
  if (typeof status.compressedNodes === 'string' && status.compressedNodes !== '') {
    if (lastDecoded?.text === status.compressedNodes) return { nodes: lastDecoded.nodes, source: 'compressed' };
    try {
      const decoded: unknown = JSON.parse(gunzipSync(Buffer.from(status.compressedNodes, 'base64')).toString('utf8'));
      if (!isObject(decoded)) throw new Error('not a map of nodes');
      lastDecoded = { text: status.compressedNodes, nodes: objectsOnly(decoded) };
      return { nodes: lastDecoded.nodes, source: 'compressed' };
    } catch (e) {
      return { nodes: undefined, unavailable: `This run's status.compressedNodes could not be decoded (gzip + base64 of the nodes as JSON): ${e instanceof Error ? e.message : String(e)}` };
    }
  }
  if (typeof status.offloadNodeStatusVersion === 'string' && status.offloadNodeStatusVersion !== '') {
    return { nodes: undefined, unavailable: offloadedNodesMessage(status.offloadNodeStatusVersion) };
  }
  return { nodes: {}, source: 'nodes' };
}

let lastDecoded: { text: string; nodes: Record<string, Record<string, unknown>> } | undefined;

function hasKeys(map: Record<string, unknown>): boolean {
  for (const _ in map) return true;
  return false;
}

function objectsOnly(map: Record<string, unknown>): Record<string, Record<string, unknown>> {
  for (const id in map) {
    if (isObject(map[id])) continue;
    // Rare (a hand-edited object): copy without the odd entries rather than check on every read.
    const clean: Record<string, Record<string, unknown>> = {};
    for (const k in map) if (isObject(map[k])) clean[k] = map[k];
    return clean;
  }
  return map as Record<string, Record<string, unknown>>;
}

/**
 * `status.nodes`, else the decoded `status.compressedNodes`, else why the nodes cannot be read.
 * Each node is a copy holding every field Argo stored (callers may change it and write it back), with
 * `id` = its map key and, for Pod and Container nodes, the derived `podName`.
 */
export function readWorkflowNodes(wf: unknown): WorkflowNodesResult {
  const stored = storedWorkflowNodes(wf);
  if (stored.nodes === undefined) return stored;
  const shape = (isObject(wf) ? wf : {}) as WorkflowShape;
  const nodes: Record<string, ArgoNodeStatus> = {};
  for (const id in stored.nodes) {
    const value = stored.nodes[id];
    const node = { ...value, id, name: typeof value.name === 'string' ? value.name : id } as ArgoNodeStatus;
    if (node.type === 'Pod' || node.type === 'Container') node.podName = argoPodName(shape, node);
    nodes[id] = node;
  }
  return { nodes, source: stored.source };
}

// workflow/util/pod_name.go: Kubernetes names are at most 253 characters; the hash takes 10 of them.
const MAX_NAME_LENGTH = 253;
const HASH_LENGTH = 10;
const MAX_PREFIX_LENGTH = MAX_NAME_LENGTH - HASH_LENGTH;
const POD_NAME_FORMAT_ANNOTATION = 'workflows.argoproj.io/pod-name-format';

const utf8 = new TextEncoder();

/** 32-bit FNV-1a of the UTF-8 bytes (Go's hash/fnv New32a), as an unsigned integer. */
export function fnv32a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7f) return fnv32aBytes(utf8.encode(text)); // rare: encode once, only when needed
    hash = Math.imul(hash ^ code, 0x01000193);
  }
  return hash >>> 0;
}

function fnv32aBytes(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) hash = Math.imul(hash ^ bytes[i], 0x01000193);
  return hash >>> 0;
}

/**
 * The name of the pod Argo v3.6 creates for a Pod node (and the pod a Container node of a container
 * set runs in). Default naming (POD_NAMES=v2): `<workflow>-<template>-<fnv32a(node name)>`, the
 * prefix cut to 242 bytes; a node named like the workflow (a single-template run) gets the
 * workflow's name. A workflow annotated `pod-name-format: v1` uses the node id. Which format the
 * controller uses when the annotation is absent is its POD_NAMES setting, which a client cannot see;
 * v2 is the default of every v3.x controller.
 */
export function argoPodName(wf: { metadata?: { name?: string; annotations?: Record<string, string> } }, node: ArgoNodeStatus): string | undefined {
  const workflowName = wf.metadata?.name;
  if (!workflowName) return undefined;
  if (node.type !== undefined && node.type !== 'Pod' && node.type !== 'Container') return undefined;
  if (wf.metadata?.annotations?.[POD_NAME_FORMAT_ANNOTATION] === 'v1') return node.id;
  // A container-set container `<pod node>.<container>` runs in its pod node's pod.
  const nodeName = node.type === 'Container' ? node.name.replace(/\.[^.]+$/, '') : node.name;
  if (nodeName === workflowName) return workflowName;
  // workflow/util GetTemplateFromNode: a templateRef's template name first.
  const templateName = node.templateRef?.template || node.templateName || '';
  let prefix = templateName ? `${workflowName}-${templateName}` : workflowName;
  if (prefix.length > (MAX_PREFIX_LENGTH - 1) / 3) {
    // Go cuts bytes; only a prefix this long can need it (a UTF-8 character is at most 3 bytes per UTF-16 unit).
    const bytes = utf8.encode(prefix);
    if (bytes.length > MAX_PREFIX_LENGTH - 1) prefix = new TextDecoder().decode(bytes.slice(0, MAX_PREFIX_LENGTH - 1));
  }
  return `${prefix}-${fnv32a(nodeName)}`;
}
