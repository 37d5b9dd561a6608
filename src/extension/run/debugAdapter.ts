/**
 * Kindling's own debugger type ("kindling"): debugpy in the pod speaks the Debug Adapter Protocol
 * itself, so VS Code is handed a DebugAdapterServer at the local end of the port-forward and nothing
 * else (no Python extension) is needed. A tracker per session reports what the controller must know:
 * when the debuggee stopped the first time (the benchmark's "attached and paused"), whether it
 * ended by itself (then the run ends normally and must not be deleted), and whether the user ended
 * the session first (Stop: then the pod goes).
 */
import * as vscode from 'vscode';

export const DEBUG_TYPE = 'kindling';

/** What Kindling puts in the debug configuration besides debugpy's own attach arguments. */
export interface KindlingDebugConfiguration extends vscode.DebugConfiguration {
  kindlingPort: number;
  kindlingRun: string;
}

export interface SessionEvents {
  onStopped?: (session: vscode.DebugSession, body: { reason?: string; threadId?: number }) => void;
  /** debugpy ended the session itself (`exited` or `terminated`): the script is over, the run ends alone. */
  onExited?: (session: vscode.DebugSession, exitCode: number | undefined) => void;
  /** VS Code asked to end the session (Stop/Disconnect): `disconnect` went to debugpy. */
  onDisconnectRequested?: (session: vscode.DebugSession) => void;
}

function isKindlingConfiguration(c: vscode.DebugConfiguration): c is KindlingDebugConfiguration {
  return typeof c.kindlingPort === 'number' && typeof c.kindlingRun === 'string';
}

export function registerKindlingDebugger(events: SessionEvents): vscode.Disposable {
  const factory: vscode.DebugAdapterDescriptorFactory = {
    createDebugAdapterDescriptor(session) {
      const c = session.configuration;
      if (!isKindlingConfiguration(c)) {
        // A hand-written launch.json entry: Kindling starts these sessions itself, from Debug as Component.
        throw new Error('Start a Kindling debug session with "Kindling: Debug as Component" (right-click a .py file).');
      }
      return new vscode.DebugAdapterServer(c.kindlingPort, '127.0.0.1');
    },
  };
  const trackers: vscode.DebugAdapterTrackerFactory = {
    createDebugAdapterTracker(session) {
      return {
        onDidSendMessage(m: { type?: string; event?: string; body?: { reason?: string; threadId?: number; exitCode?: number } }) {
          if (m.type !== 'event') return;
          if (m.event === 'stopped') events.onStopped?.(session, m.body ?? {});
          // In an attach session debugpy may end with `terminated` alone (no `exited`): either means the script is over.
          else if (m.event === 'exited' || m.event === 'terminated') events.onExited?.(session, m.body?.exitCode);
        },
        onWillReceiveMessage(m: { type?: string; command?: string; arguments?: { terminateDebuggee?: boolean } }) {
          if (m.type !== 'request' || m.command !== 'disconnect') return;
          // VS Code's Stop on an attach session is "disconnect", which makes debugpy resume the script: a
          // paused run would finish instead of stopping. Stop means stop here (the run is ours), so ask
          // debugpy to end the script. The extension host hands this same object on to the adapter.
          m.arguments = { ...(m.arguments ?? {}), terminateDebuggee: true };
          events.onDisconnectRequested?.(session);
        },
      };
    },
  };
  return vscode.Disposable.from(
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, factory),
    vscode.debug.registerDebugAdapterTrackerFactory(DEBUG_TYPE, trackers),
  );
}
