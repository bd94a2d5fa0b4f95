import type { IngressMessage, IngressQueue } from '../../lib/adapters/ingress-message.ts';
import type { Orchestrator } from '../../lib/adapters/orchestrator.ts';
import type { JsonValue } from '../../lib/core/json.ts';

export type OrchestratorCall =
  | { method: 'startTurn'; threadId: string; seq: number }
  | { method: 'resume'; taskToken: string; output: JsonValue }
  | { method: 'fail'; taskToken: string; error: string; cause: string }
  | { method: 'stopTurns'; threadId: string; cause: string };

/** Records what it was asked to do; a turn starts once per `<thread>-<seq>`, like Step Functions. */
export class RecordingOrchestrator implements Orchestrator {
  readonly calls: OrchestratorCall[] = [];
  /** What `resume` answers: `gone` stands for TaskDoesNotExist / TaskTimedOut. */
  resumeAnswer: 'resumed' | 'gone' = 'resumed';
  private readonly started = new Set<string>();

  async startTurn(threadId: string, seq: number): Promise<'started' | 'already-started'> {
    this.calls.push({ method: 'startTurn', threadId, seq });
    const name = `${threadId}-${seq}`;
    if (this.started.has(name)) return 'already-started';
    this.started.add(name);
    return 'started';
  }

  async resume(taskToken: string, output: JsonValue): Promise<'resumed' | 'gone'> {
    this.calls.push({ method: 'resume', taskToken, output });
    return this.resumeAnswer;
  }

  async fail(taskToken: string, error: string, cause: string): Promise<'failed' | 'gone'> {
    this.calls.push({ method: 'fail', taskToken, error, cause });
    return 'failed';
  }

  async stopTurns(threadId: string, cause: string): Promise<void> {
    this.calls.push({ method: 'stopTurns', threadId, cause });
  }

  /** The turns actually started, without the duplicate starts that were no-ops. */
  get startedTurns(): string[] {
    return [...this.started];
  }
}

/** Keeps what was sent to the ingress queue. */
export class RecordingIngressQueue implements IngressQueue {
  readonly sent: IngressMessage[] = [];

  async send(message: IngressMessage): Promise<void> {
    this.sent.push(message);
  }
}
