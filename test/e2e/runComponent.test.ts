// Run as Component as a user does it, in a real VS Code (code-server) against the test environment's
// real control plane (kube-apiserver, Argo workflow-controller, KWOK nodes that serve container logs):
// right-click prepare_features.py in the Explorer → "Run as Component" → arguments → the run appears in
// the Runs view and reaches Succeeded, the output named after the run shows what the container printed,
// the hover on the run shows the loop timings, and the Workflow on the API server carries the image
// from kindling.yaml and the provenance labels and annotations.
// A second run, with kindling.yaml's podAnnotations asking the test environment to fail the pod,
// shows Failed with Argo's reason in the same places.
// Screenshots: test-results/run-component-runs.png, run-component-timings.png, run-component-failed.png.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import type { Locator } from 'playwright-core';
import { loadConfig } from '../../src/core/config';
import { ensureRunIdentity, runServiceAccounts } from '../../src/kube/runs';
import { useContainerLogs } from '../integration/helpers/containerLogs';
import { getCluster, withNamespace } from '../integration/helpers/testCluster';
import { launchVSCode, waitFor, type VSCode } from './harness/codeServer';

const examples = join(__dirname, '..', '..', 'examples');
const local = getCluster('local');
const RUN_TIMEOUT_MS = 120_000;

/** Every file under examples/, as launchVSCode's `files`, with kindling.yaml pointed at `namespace`. */
function examplesIn(namespace: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      const full = join(dir, entry);
      if (statSync(full).isDirectory()) walk(full);
      else files[relative(examples, full)] = readFileSync(full, 'utf8');
    }
  };
  walk(examples);
  const yaml = files['kindling.yaml'].replace(/^namespace: .*$/m, `namespace: ${namespace}`);
  assert.notEqual(yaml, files['kindling.yaml'], 'examples/kindling.yaml names a namespace to replace');
  files['kindling.yaml'] = yaml;
  return files;
}

interface Workflow {
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: { templates: { name: string; container?: { image?: string; command?: string[]; args?: string[] } }[] };
  status?: { phase?: string };
}

describe('Run as Component in code-server against the real control plane', () => {
  let vscode: VSCode;
  let namespace: string;
  const cleanups: (() => Promise<void> | void)[] = [];
  const hooks = { after: (fn: () => Promise<void> | void) => cleanups.push(fn) };
  let log: Awaited<ReturnType<typeof useContainerLogs>>;
  let firstRun = '';
  const expectedConfig = loadConfig(readFileSync(join(examples, 'kindling.yaml'), 'utf8')).config;

  before(async () => {
    assert.ok(expectedConfig, 'examples/kindling.yaml loads');
    const ns = await withNamespace(local, 'e2e-run');
    namespace = ns.namespace;
    cleanups.push(() => ns.cleanup());
    // What an admin of a shared dev cluster provides: the service accounts kindling.yaml names (runs on
    // a cluster other than Kindling's own only check them) and the claim the example mounts at /models.
    const { serviceAccounts } = runServiceAccounts({ ...expectedConfig, namespace });
    await ensureRunIdentity(local.kc, namespace, serviceAccounts);
    await provideModelClaim(namespace, cleanups);
    // What the container "prints": KWOK serves this file as the main container's log.
    log = await useContainerLogs(hooks, local, namespace);
    log.line('reading /data/clicks.csv');
    log.line('wrote 42 users to /data/features.csv (skipped 3 with < 5 events)');

    vscode = await launchVSCode({
      name: 'run-component',
      files: examplesIn(namespace),
      settings: { 'kindling.kubeconfig': local.kubeconfigPath, 'kindling.run.context': local.context },
    });
  });

  after(async () => {
    await vscode?.close();
    for (const fn of cleanups.reverse()) await Promise.resolve(fn()).catch(() => undefined);
  });

  test('right-click → Run as Component runs the file on the cluster; the Runs view, the output and the hover tell the story', async (t) => {
    await vscode.waitForLog(() => vscode.outputChannelLog('Kindling'), /Kindling \S+ activated/, { timeoutMs: 60_000 });

    // The Explorer's own context menu, as a user opens it.
    const row = vscode.page.locator('.explorer-folders-view .monaco-list-row', { has: vscode.page.locator('.label-name', { hasText: /^prepare_features\.py$/ }) });
    await row.waitFor();
    // The arguments box: the file's name in the title, then the user's arguments.
    const input = vscode.page.locator('.quick-input-widget input.input');
    for (const miss of await vscode.explorerMenu(row, /^Run as Component/, input, { what: 'the arguments box' })) t.diagnostic(miss);
    assert.match(await vscode.page.locator('.quick-input-widget .quick-input-title').innerText(), /prepare_features\.py/);
    await input.fill('--min-events 5');
    await vscode.page.keyboard.press('Enter');

    // The Runs view lists the run; it reaches Succeeded.
    const sidebar = await vscode.openViewContainer('Kindling');
    const runsPane = sidebar.locator('.pane', { has: vscode.page.locator('.pane-header h3.title', { hasText: /^Runs$/ }) });
    const runRow = runsPane.locator('.monaco-list-row', { has: vscode.page.locator('.label-name', { hasText: /^prepare-features-[a-z0-9]{5}$/ }) }).first();
    await runRow.waitFor({ timeout: 60_000 });
    const runName = (await runRow.locator('.label-name').innerText()).trim();
    firstRun = runName;
    const description = await waitFor(
      async () => {
        const text = (await runRow.locator('.label-description').innerText()).trim();
        return /Succeeded|Failed/.test(text) ? text : undefined;
      },
      { timeoutMs: RUN_TIMEOUT_MS, what: `${runName} to finish in the Runs view` },
    );
    assert.match(description, /^Succeeded · [\d.]+ m?s · script$/, `Runs view row: ${description}`);

    // The output named after the run is on screen, ending with what the container printed and the run's end;
    // the whole channel (lines may scroll out of the view) has the run's own lines too.
    const channel = `Kindling run: ${runName}`;
    await waitFor(
      async () => {
        const text = await outputText(vscode);
        return /wrote 42 users/.test(text) && /\[kindling\] timings:/.test(text) ? text : undefined;
      },
      { timeoutMs: 30_000, what: 'the container log and the timings in the Output view' },
    );
    assert.equal(await selectedOutputChannel(vscode), channel);
    const output = vscode.outputChannelText(channel);
    assert.match(output, new RegExp(`\\[kindling\\] Workflow ${runName} in ${namespace} on ${local.context}`));
    assert.match(output, /code via ConfigMap/, 'a cluster other than the kind cluster gets the code in a ConfigMap');
    assert.match(output, /^reading \/data\/clicks\.csv$/m);
    assert.ok(output.indexOf('reading /data/clicks.csv') < output.indexOf('[kindling] Succeeded'), 'log lines come before the final phase');
    assert.match(output, /^\[kindling\] Succeeded$/m);
    assert.match(output, /^\[kindling\] timings: submitted \+[\d.]+ m?s · scheduled \+[\d.]+ m?s · started \+[\d.]+ m?s · finished \+[\d.]+ m?s$/m);
    await vscode.screenshot('run-component-runs');

    // The hover on the run shows the loop timings, in order.
    await runRow.hover();
    const hover = vscode.page.locator('.workbench-hover-container, .monaco-hover').filter({ hasText: runName }).first();
    await hover.waitFor({ timeout: 15_000 });
    const hoverText = await hover.innerText();
    const loop = hoverText.match(/Loop: submitted \+([\d.]+ m?s) · scheduled \+([\d.]+ m?s) · started \+([\d.]+ m?s) · finished \+([\d.]+ m?s)/);
    assert.ok(loop, `the hover shows submitted → scheduled → started → finished:\n${hoverText}`);
    const ms = loop.slice(1).map((v) => (v.endsWith(' s') ? Number.parseFloat(v) * 1000 : Number.parseFloat(v)));
    for (let i = 1; i < ms.length; i++) assert.ok(ms[i] >= ms[i - 1], `timings in order: ${loop[0]}`);
    assert.match(hoverText, /Phase: Succeeded/);
    assert.match(hoverText, /Image: localhost:5001\/ml-pipelines:0\.4\.2/);
    assert.match(hoverText, /File: prepare_features\.py --min-events 5/);
    await vscode.screenshot('run-component-timings', { keepPointer: true });

    // The Workflow on the API server: image from kindling.yaml, our command, provenance.
    const custom = local.kc.makeApiClient(CustomObjectsApi);
    const wf = (await custom.getNamespacedCustomObject({ group: 'argoproj.io', version: 'v1alpha1', namespace, plural: 'workflows', name: runName })) as Workflow;
    assert.equal(wf.status?.phase, 'Succeeded');
    const main = wf.spec.templates.find((t) => t.container);
    assert.equal(main?.container?.image, expectedConfig?.images.default);
    assert.deepEqual([...(main?.container?.command ?? []), ...(main?.container?.args ?? [])], ['python', '-u', '/workspace/prepare_features.py', '--min-events', '5']);
    const labels = wf.metadata.labels ?? {};
    assert.equal(labels['app.kubernetes.io/managed-by'], 'kindling');
    assert.equal(labels['kindling.dev/run'], runName);
    assert.equal(labels['kindling.dev/component-kind'], 'script');
    const annotations = wf.metadata.annotations ?? {};
    const source = readFileSync(join(vscode.workspace, 'prepare_features.py'));
    assert.equal(annotations['kindling.dev/source-sha256'], createHash('sha256').update(source).digest('hex'));
    assert.equal(annotations['kindling.dev/source-path'], 'prepare_features.py');
    assert.equal(annotations['kindling.dev/image'], expectedConfig?.images.default);
    assert.equal(annotations['kindling.dev/kindling-version'], vscode.installedExtension().manifest.version);
    assert.deepEqual(JSON.parse(annotations['kindling.dev/arguments'] ?? 'null'), ['--min-events', '5']);
    assert.ok((annotations['kindling.dev/user'] ?? '').length > 0, 'the user who ran it is recorded');
    const core = local.kc.makeApiClient(CoreV1Api);
    const cm = await core.readNamespacedConfigMap({ name: `${runName}-src`, namespace });
    assert.equal(cm.data?.['prepare_features.py'], source.toString('utf8'));
  });

  test('a run whose pod fails shows Failed with the reason in the Runs view, the output and a notification', async (t) => {
    // The test environment fails pods annotated kindling.dev/fail (docs/testenv.md); a user puts
    // annotations on a run's pods with podAnnotations in kindling.yaml, so that is where this goes.
    const configFile = join(vscode.workspace, 'kindling.yaml');
    const text = readFileSync(configFile, 'utf8');
    const failing = text.replace(/^podAnnotations:\n/m, 'podAnnotations:\n  kindling.dev/fail: "true"\n');
    assert.notEqual(failing, text, 'the example kindling.yaml has a podAnnotations block');
    writeFileSync(configFile, failing);
    log.line('Traceback (most recent call last):');
    log.line("FileNotFoundError: [Errno 2] No such file or directory: '/data/clicks.csv'");

    await vscode.openViewContainer('Explorer');
    const row = vscode.page.locator('.explorer-folders-view .monaco-list-row', { has: vscode.page.locator('.label-name', { hasText: /^prepare_features\.py$/ }) });
    // The Explorer redraws its rows when kindling.yaml changes on disk (explorerMenu says why that matters).
    const input = vscode.page.locator('.quick-input-widget input.input');
    for (const miss of await vscode.explorerMenu(row, /^Run as Component/, input, { what: 'the arguments box' })) t.diagnostic(miss);
    assert.equal(await input.inputValue(), '--min-events 5', 'the box offers the arguments used last time');
    await vscode.page.keyboard.press('Enter');

    const sidebar = await vscode.openViewContainer('Kindling');
    const runsPane = sidebar.locator('.pane', { has: vscode.page.locator('.pane-header h3.title', { hasText: /^Runs$/ }) });
    const runRow = runsPane.locator('.monaco-list-row', { has: vscode.page.locator('.label-name', { hasText: /^prepare-features-[a-z0-9]{5}$/ }) }).first();
    const runName = await waitFor(
      async () => {
        const name = (await runRow.locator('.label-name').innerText()).trim();
        return name !== firstRun ? name : undefined;
      },
      { timeoutMs: 60_000, what: 'a second run at the top of the Runs view' },
    );
    const description = await waitFor(
      async () => {
        const d = (await runRow.locator('.label-description').innerText()).trim();
        return /Succeeded|Failed/.test(d) ? d : undefined;
      },
      { timeoutMs: RUN_TIMEOUT_MS, what: `${runName} to finish in the Runs view` },
    );
    assert.match(description, /^Failed · [\d.]+ m?s · script$/, `Runs view row: ${description}`);

    const channel = `Kindling run: ${runName}`;
    await waitFor(
      async () => {
        const text = await outputText(vscode);
        return /^FileNotFoundError: /m.test(text) && /\[kindling\] Failed: /.test(text) ? text : undefined;
      },
      { timeoutMs: 30_000, what: 'the failed run\'s last lines in the Output view' },
    );
    assert.equal(await selectedOutputChannel(vscode), channel);
    const output = vscode.outputChannelText(channel);
    assert.match(output, new RegExp(`\\[kindling\\] Workflow ${runName} in ${namespace}`));
    const failedLine = output.match(/^\[kindling\] Failed: (.+)$/m);
    assert.ok(failedLine, `the output says Failed with a reason:\n${output}`);
    assert.match(failedLine[1], /exit code 1/);
    assert.equal(failedLine[1].match(/exit code 1/g)?.length, 1, `the reason is said once: ${failedLine[1]}`);
    assert.match(output, /^FileNotFoundError: /m, 'what the container printed before it failed');

    const toast = vscode.page.locator('.notifications-toasts .notification-toast', { hasText: `${runName} failed` });
    await toast.waitFor({ timeout: 30_000 });
    assert.match(await toast.innerText(), /exit code 1/);
    await vscode.screenshot('run-component-failed');

    const custom = local.kc.makeApiClient(CustomObjectsApi);
    const wf = (await custom.getNamespacedCustomObject({ group: 'argoproj.io', version: 'v1alpha1', namespace, plural: 'workflows', name: runName })) as Workflow & {
      spec: { podMetadata?: { annotations?: Record<string, string> } };
    };
    assert.equal(wf.status?.phase, 'Failed');
    assert.equal(wf.spec.podMetadata?.annotations?.['kindling.dev/fail'], 'true');
    assert.equal(wf.spec.podMetadata?.annotations?.['cluster-autoscaler.kubernetes.io/safe-to-evict'], 'false');

    // Where each run's time before "submitted" went (the Kindling log); printed, not judged: speed goals live in bench:loop.
    const submitted = vscode.outputChannelLog('Kindling').match(/Run \S+ submitted in .*/g) ?? [];
    assert.equal(submitted.length, 2, `one "submitted" line per run:\n${submitted.join('\n')}`);
    for (const line of submitted) assert.match(line, /\(config .* · dependency check .* · cluster check .* · manifests .* · create .*\)$/);
    for (const line of submitted) t.diagnostic(line);
  });
});

/** A PersistentVolume bound to the claim examples/kindling.yaml mounts (model-artifacts): a pod with an unbound claim is never scheduled. */
async function provideModelClaim(namespace: string, cleanups: (() => Promise<void> | void)[]): Promise<void> {
  const core = local.kc.makeApiClient(CoreV1Api);
  const pvName = `${namespace}-models`;
  await core.createPersistentVolume({
    body: {
      metadata: { name: pvName },
      spec: {
        capacity: { storage: '1Gi' },
        accessModes: ['ReadWriteOnce'],
        storageClassName: '',
        hostPath: { path: `/tmp/${pvName}` },
        claimRef: { namespace, name: 'model-artifacts' },
      },
    },
  });
  cleanups.push(() => core.deletePersistentVolume({ name: pvName }).then(() => undefined));
  await core.createNamespacedPersistentVolumeClaim({
    namespace,
    body: {
      metadata: { name: 'model-artifacts' },
      spec: { accessModes: ['ReadWriteOnce'], storageClassName: '', volumeName: pvName, resources: { requests: { storage: '1Gi' } } },
    },
  });
}

/** The text the Output view shows (a read-only editor: every line is rendered while the output is short). */
async function outputText(vscode: VSCode): Promise<string> {
  const lines: Locator = vscode.page.locator('.part.panel .output-view .view-lines, .part.panel .editor-instance .view-lines').first();
  const text = await lines.evaluate((el) => (el as unknown as { innerText: string }).innerText);
  // Monaco renders spaces as non-breaking spaces.
  return text.replace(/\u00a0/g, ' ');
}

/** The channel picked in the Output view's title bar. */
async function selectedOutputChannel(vscode: VSCode): Promise<string> {
  const select = vscode.page.locator('.part.panel select.monaco-select-box').first();
  return select.evaluate((el) => {
    const s = el as unknown as { selectedIndex: number; options: { text: string }[] };
    return s.options[s.selectedIndex]?.text ?? '';
  });
}
