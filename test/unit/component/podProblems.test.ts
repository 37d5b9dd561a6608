import assert from 'node:assert/strict';
import { test } from 'node:test';
import { failureTail, imageRegistry, lostContactMessage, podProblem, TextTail, type PodShape } from '../../../src/core/component';

const image = 'localhost:5001/ml-pipelines:0.4.3';

function waitingPod(reason: string, message?: string, img = image): PodShape {
  return {
    metadata: { name: 'p' },
    spec: { containers: [{ name: 'wait', image: 'quay.io/argoproj/argoexec:v3.6.15' }, { name: 'main', image: img }] },
    status: {
      phase: 'Pending',
      containerStatuses: [
        { name: 'wait', state: { waiting: { reason: 'PodInitializing' } } },
        { name: 'main', image: img, state: { waiting: { reason, message } } },
      ],
    },
  };
}

test('an image missing from the local registry: named, with Build Image and the push command; fatal only once the kubelet backs off', () => {
  const first = podProblem(
    waitingPod('ErrImagePull', `failed to pull and unpack image "${image}": failed to resolve reference "${image}": ${image}: not found`),
    { localRegistry: 'localhost:5001' },
  );
  assert.equal(first?.kind, 'image-pull');
  assert.equal(first?.container, 'main');
  assert.equal(first?.fatal, false);
  assert.match(first?.message ?? '', /Image localhost:5001\/ml-pipelines:0\.4\.3 could not be pulled \(ErrImagePull/);
  assert.match(first?.message ?? '', /not in the local registry \(localhost:5001\)/);
  assert.match(first?.message ?? '', /Kindling: Build Image/);
  assert.match(first?.message ?? '', /docker push localhost:5001\/ml-pipelines:0\.4\.3/);

  const backoff = podProblem(waitingPod('ImagePullBackOff', `Back-off pulling image "${image}"`), { localRegistry: 'localhost:5001' });
  assert.equal(backoff?.fatal, true);
  assert.equal(backoff?.reason, 'ImagePullBackOff');
  assert.match(backoff?.message ?? '', /did not deliver it \(localhost:5001\)/);
});

test('an image of a remote registry: says which registry, not Build Image first', () => {
  const p = podProblem(waitingPod('ImagePullBackOff', 'Back-off pulling image', 'registry.example.com/ml/x:1'), { localRegistry: 'localhost:5001' });
  assert.match(p?.message ?? '', /Registry registry\.example\.com could not be reached or refused the pull/);
  assert.match(p?.message ?? '', /local registry \(localhost:5001\)/);
});

test('OOMKilled: shown as such, with the memory limit, also after a restart (lastState)', () => {
  const pod: PodShape = {
    spec: { containers: [{ name: 'main', image, resources: { limits: { memory: '64Mi' } } }] },
    status: { phase: 'Failed', containerStatuses: [{ name: 'main', state: { terminated: { reason: 'OOMKilled', exitCode: 137 } } }] },
  };
  const p = podProblem(pod);
  assert.equal(p?.kind, 'oom');
  assert.equal(p?.fatal, true);
  assert.match(p?.message ?? '', /^OOMKilled: container main used more memory than its limit \(64Mi\).*exit code 137/);
  const restarted: PodShape = { ...pod, status: { phase: 'Running', containerStatuses: [{ name: 'main', state: {}, lastState: { terminated: { reason: 'OOMKilled' } } }] } };
  assert.equal(podProblem(restarted)?.kind, 'oom');
});

test('a missing Secret: config problem with the fix; healthy and merely starting pods: no problem', () => {
  const p = podProblem(waitingPod('CreateContainerConfigError', 'secret "feature-store" not found'));
  assert.equal(p?.kind, 'config');
  assert.match(p?.message ?? '', /secret "feature-store" not found\. Create the Secret/);
  assert.equal(podProblem(waitingPod('ContainerCreating')), undefined);
  assert.equal(podProblem({ status: { phase: 'Running', containerStatuses: [{ name: 'main', state: {} }] } }), undefined);
  assert.equal(podProblem({ status: { phase: 'Failed', containerStatuses: [{ name: 'main', state: { terminated: { reason: 'Error', exitCode: 1 } } }] } }), undefined);
  assert.equal(podProblem({ status: { phase: 'Failed', reason: 'Evicted', message: 'low on memory' } })?.kind, 'evicted');
});

test('image registries as Docker reads them', () => {
  assert.equal(imageRegistry('localhost:5001/a:1'), 'localhost:5001');
  assert.equal(imageRegistry('python:3.12'), 'docker.io');
  assert.equal(imageRegistry('library/python'), 'docker.io');
  assert.equal(imageRegistry('ghcr.io/kubeflow/x'), 'ghcr.io');
});

test('failure tail: a Python traceback from its start, colours removed; else the last lines', () => {
  const log = ['loading', 'step 1', 'Traceback (most recent call last):', '  File "/workspace/x.py", line 3, in <module>', '    raise ValueError("bad row 7")', '\x1b[0;31mValueError\x1b[0m: bad row 7', ''].join('\n');
  assert.equal(failureTail(log), ['Traceback (most recent call last):', '  File "/workspace/x.py", line 3, in <module>', '    raise ValueError("bad row 7")', 'ValueError: bad row 7'].join('\n'));
  const plain = Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n');
  assert.equal(failureTail(plain, 3), 'line 27\nline 28\nline 29');
  const long = ['Traceback (most recent call last):', ...Array.from({ length: 20 }, (_, i) => `  frame ${i}`), 'KeyError: x'].join('\n');
  assert.equal(failureTail(long, 4), ['…', '  frame 17', '  frame 18', '  frame 19', 'KeyError: x'].join('\n'));
});

test('a traceback keeps its own lines when the pod log mixed the script\'s printed lines into it', () => {
  const tb = ['Traceback (most recent call last):', '  File "/workspace/raises.py", line 3, in <module>', '    print(sum(rows) / len(rows))', 'ZeroDivisionError: division by zero'];
  // The printed line read from stdout after the first stderr lines, and after all of them.
  const inside = [tb[0], 'loading 3 rows', ...tb.slice(1)].join('\n');
  const after = [...tb, 'loading 3 rows'].join('\n');
  assert.equal(failureTail(inside), tb.join('\n'));
  assert.equal(failureTail(after), tb.join('\n'));
  // papermill: its report has unindented lines between its exception line and the cell's.
  const papermill = [
    'Traceback (most recent call last):',
    '  File "/usr/local/bin/papermill", line 8, in <module>',
    'papermill.exceptions.PapermillExecutionError: ',
    '---------------------------------------------------------------------------',
    'Exception encountered at "In [2]":',
    'Cell In[2], line 3',
    '----> 3 raise ValueError("bad feature column 7")',
    '',
    'ValueError: bad feature column 7',
  ];
  assert.equal(failureTail(papermill.join('\n'), 20), papermill.join('\n'));
});

test('text tail keeps the end of a long stream', () => {
  const t = new TextTail(10);
  for (let i = 0; i < 100; i++) t.push(`${i},`);
  assert.equal(t.value, '5,96,97,98,99,'.slice(-10));
});

test('lost contact names the server and the node container', () => {
  const m = lostContactMessage('https://127.0.0.1:40123', 'connect ECONNREFUSED 127.0.0.1:40123', 30_400);
  assert.match(m, /https:\/\/127\.0\.0\.1:40123 has not answered for 30 s \(connect ECONNREFUSED/);
  assert.match(m, /node container may have stopped/);
});
