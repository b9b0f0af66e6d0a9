// The shapes of flows that both the codec and the flow scripts' store speak (no imports: it
// sits below both).

/** What a flow's parent does when a child fails for good, is cancelled, removed or moved to failed. */
export type OnChildFailure = 'fail' | 'ignore' | 'remove-parent';

/** A job's place in a flow (queue.flow): its parent, or, on a parent, its children and policy. */
export interface FlowInfo {
  /** On a child: its parent's id. */
  parentId?: number;
  /** On a parent: how many children it was saved with. */
  children?: number;
  onChildFailure?: OnChildFailure;
  /** On a parent: its pending children are cancelled when it fails because of a child. */
  cancelChildren?: boolean;
  /** On a parent failed by a child: that child's id. */
  failedChild?: number;
}

/** A child's error as its parent keeps it. */
export interface ChildFailure {
  error: string;
  /** FAILED, CANCELLED, REMOVED or MOVED. */
  code: string;
}
