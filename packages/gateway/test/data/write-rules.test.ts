// Deliberate writes (issue 56): topic patterns, the allowlist (403), the confirmation rule (409, 400 for a
// confirmation naming another topic), and start-up refusing invalid patterns (fail closed).
import { describe, expect, it } from 'vitest';
import { SovdError } from '@medkit/sovd';
import { ConfigError } from '@medkit/kit';
import { matchTopic, publisherNames, topicPatternProblem, WriteRules, DEFAULT_ALLOW, DEFAULT_CONFIRM_PATTERNS } from '../../src/data/write-rules.js';
import { createDataFeature } from '../../src/data/index.js';
import { startTestGateway } from '../../../../test-support/gateway/gateway.js';

/** The SovdError `fn` throws. */
function refusal(fn: () => void): SovdError {
  try {
    fn();
  } catch (err) {
    if (err instanceof SovdError) return err;
    throw err;
  }
  throw new Error('no refusal');
}

describe('topic patterns', () => {
  it('match the whole topic name, * spanning any run of characters (slashes too), case-sensitively', () => {
    expect(matchTopic('*cmd_vel*', '/cmd_vel')).toBe(true);
    expect(matchTopic('*cmd_vel*', '/cmd_vel_safe')).toBe(true);
    expect(matchTopic('*cmd_vel*', '/robot1/base/cmd_vel/nav')).toBe(true);
    expect(matchTopic('*cmd_vel*', '/CMD_VEL')).toBe(false);
    expect(matchTopic('*cmd_vel*', '/cmd_ve')).toBe(false);
    expect(matchTopic('/plan', '/plan')).toBe(true);
    expect(matchTopic('/plan', '/planner')).toBe(false);
    expect(matchTopic('/plan', '/x/plan')).toBe(false);
    expect(matchTopic('/demo/*', '/demo/a/b')).toBe(true);
    expect(matchTopic('/demo/*', '/demo')).toBe(false);
    expect(matchTopic('/demo/*', '/democracy')).toBe(false);
    expect(matchTopic('*', '/anything/at/all')).toBe(true);
    expect(matchTopic('**', '/x')).toBe(true);
    expect(matchTopic('/a*b*c', '/abbbc')).toBe(true);
    expect(matchTopic('/a*b*c', '/acb')).toBe(false);
    // A pattern's backtracking stays linear in practice: many stars against a long near-miss finish at once.
    const t0 = Date.now();
    expect(matchTopic(`/${'a*'.repeat(15)}b`, `/${'a'.repeat(5000)}`)).toBe(false);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('refuse what no topic name could be, or what looks like a regular expression', () => {
    for (const bad of ['', 'cmd_vel', ' /cmd_vel', '/cmd_vel ', '.*cmd_vel.*', '/cmd_vel$', '/a//b', '/a/', '/a?', '[/a]', '~/cmd', '/é', `/${'a'.repeat(300)}`, `/${'*'.repeat(17)}`]) {
      expect(topicPatternProblem(bad), bad).toBeTypeOf('string');
    }
    for (const good of ['*', '/', '/plan', '*cmd_vel*', '/demo/*', '*/estop']) expect(topicPatternProblem(good), good).toBeUndefined();
    expect(() => new WriteRules(['/ok', 'no_slash'], [])).toThrow(ConfigError);
    expect(() => new WriteRules([], ['.*'])).toThrow(/data\.write\.confirm_patterns: pattern '\.\*'/);
  });

  it('names publishers by node, unnamed ones by participant, once each', () => {
    expect(
      publisherNames([
        { node: { name: 'safety_gate', namespace: '/' }, participantGuid: 'a'.repeat(32) },
        { node: { name: 'island_link', namespace: '/safety' }, participantGuid: 'b'.repeat(32) },
        { node: { name: 'safety_gate', namespace: '/' }, participantGuid: 'a'.repeat(32) },
        { participantGuid: '0123456789abcdef0123456789abcdef' },
      ]),
    ).toEqual(['(unnamed node of participant 0123456789ab)', '/safety/island_link', '/safety_gate']);
  });
});

describe('write rules', () => {
  const rules = new WriteRules(DEFAULT_ALLOW, DEFAULT_CONFIRM_PATTERNS);

  it('by default allow every topic and ask confirmation for commands and published topics only', () => {
    expect(() => rules.checkAllowed('/anything', {})).not.toThrow();
    expect(() => rules.checkConfirmed('/demo/cmd', [], undefined, {})).not.toThrow();
    const cmd = refusal(() => rules.checkConfirmed('/cmd_vel', [], undefined, { entity_id: 'safety_gate' }));
    expect(cmd.status).toBe(409);
    expect(cmd.toBody()).toMatchObject({
      error_code: 'precondition-not-fulfilled',
      parameters: { entity_id: 'safety_gate', topic_name: '/cmd_vel', publishers: [], matched_pattern: '*cmd_vel*', key: 'data.write.confirm_patterns', confirm_field: 'confirm' },
    });
    expect(cmd.message).toContain('"confirm": "/cmd_vel"');
    const published = refusal(() => rules.checkConfirmed('/odom', ['/base/motor_controller'], undefined, {}));
    expect(published.status).toBe(409);
    expect(published.message).toMatch(/^Writing \/odom needs confirmation: \/base\/motor_controller publishes it\./);
    expect(published.parameters).not.toHaveProperty('matched_pattern');
  });

  it('take a confirmation naming the topic (with or without its leading slash) and nothing else', () => {
    expect(() => rules.checkConfirmed('/cmd_vel_safe', ['/safety_gate'], '/cmd_vel_safe', {})).not.toThrow();
    expect(() => rules.checkConfirmed('/cmd_vel_safe', ['/safety_gate'], 'cmd_vel_safe', {})).not.toThrow();
    // Hostile or careless confirmations: another topic, a prefix, a pattern, other case, padding, other JSON types.
    for (const wrong of ['/cmd_vel', '/cmd_vel_saf', '*', '*cmd_vel*', '/CMD_VEL_SAFE', ' /cmd_vel_safe', '', '/', true, 1, null, ['/cmd_vel_safe'], { topic: '/cmd_vel_safe' }]) {
      const e = refusal(() => rules.checkConfirmed('/cmd_vel_safe', ['/safety_gate'], wrong, {}));
      expect(e.status, JSON.stringify(wrong)).toBe(400);
      expect(e.code).toBe('invalid-parameter');
      expect(e.parameters).toMatchObject({ topic_name: '/cmd_vel_safe' });
    }
    // A confirmation that names another topic is refused even where none was needed: it is a client's mistake.
    expect(refusal(() => rules.checkConfirmed('/demo/cmd', [], '/cmd_vel', {})).status).toBe(400);
  });

  it('refuse a topic outside the allowlist with 403 naming the key; an empty allowlist allows nothing', () => {
    const only = new WriteRules(['/plan', '/demo/*'], []);
    expect(() => only.checkAllowed('/plan', {})).not.toThrow();
    expect(() => only.checkAllowed('demo/cmd', {})).not.toThrow();
    for (const topic of ['/cmd_vel', '/planner', '/x/plan', '/demo']) {
      const e = refusal(() => only.checkAllowed(topic, { entity_id: 'e' }));
      expect(e.status).toBe(403);
      expect(e.toBody()).toMatchObject({ error_code: 'forbidden', parameters: { key: 'data.write.allow', topic_name: topic, allowed: ['/plan', '/demo/*'], entity_id: 'e' } });
      expect(e.message).toContain('data.write.allow');
    }
    expect(refusal(() => new WriteRules([], []).checkAllowed('/plan', {})).message).toBe('Writing /plan is not allowed by data.write.allow (allowed: no topic)');
    // With no command patterns only the publishers rule remains.
    expect(() => only.checkConfirmed('/cmd_vel', [], undefined, {})).not.toThrow();
  });
});

describe('start-up with an invalid pattern', () => {
  it('stops with an error naming the key and the pattern (fail closed)', async () => {
    await expect(startTestGateway({ features: [createDataFeature()], flags: { 'data.write.allow': ['/plan', 'cmd_vel'] } })).rejects.toThrow(
      /data\.write\.allow: pattern 'cmd_vel' must start with '\/'/,
    );
    await expect(startTestGateway({ features: [createDataFeature()], flags: { 'data.write.confirm_patterns': '*cmd_vel*,/a b' } })).rejects.toThrow(/data\.write\.confirm_patterns: pattern '\/a b'/);
    const g = await startTestGateway({ features: [createDataFeature()], flags: { 'data.write.allow': '/plan;/demo/*' } });
    await g.close();
  });
});
