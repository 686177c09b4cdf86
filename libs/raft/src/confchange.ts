// Single-server membership changes: validate a change against a configuration and apply it.
import { ConfChange, ConfChangeType, ConfState, NodeId } from './types';

/** Why a change cannot be applied to a configuration, or undefined when it can. */
export function confChangeProblem(cs: ConfState, cc: ConfChange): string | undefined {
  if (cc.nodeId === 0) return 'node id 0 is reserved';
  const isVoter = cs.voters.includes(cc.nodeId);
  const isLearner = cs.learners.includes(cc.nodeId);
  switch (cc.type) {
    case ConfChangeType.AddLearner:
      if (isLearner) return `${cc.nodeId} is already a learner`;
      if (isVoter && cs.voters.length === 1) return 'cannot demote the last voter';
      return undefined;
    case ConfChangeType.AddNode:
      return isVoter ? `${cc.nodeId} is already a voter` : undefined;
    case ConfChangeType.RemoveNode:
      if (!isVoter && !isLearner) return `${cc.nodeId} is not a member`;
      if (isVoter && cs.voters.length === 1) return 'cannot remove the last voter';
      return undefined;
  }
}

/**
 * The configuration after `cc`. An invalid change leaves the configuration unchanged: every replica
 * applies the same committed changes in the same order, so they all agree on the outcome.
 */
export function applyConfChange(cs: ConfState, cc: ConfChange): ConfState {
  if (confChangeProblem(cs, cc) !== undefined) return { voters: [...cs.voters], learners: [...cs.learners] };
  const without = (ids: NodeId[]): NodeId[] => ids.filter((id) => id !== cc.nodeId);
  const sorted = (ids: NodeId[]): NodeId[] => ids.sort((a, b) => a - b);
  switch (cc.type) {
    case ConfChangeType.AddLearner:
      return { voters: without(cs.voters), learners: sorted([...without(cs.learners), cc.nodeId]) };
    case ConfChangeType.AddNode:
      return { voters: sorted([...without(cs.voters), cc.nodeId]), learners: without(cs.learners) };
    case ConfChangeType.RemoveNode:
      return { voters: without(cs.voters), learners: without(cs.learners) };
  }
}
