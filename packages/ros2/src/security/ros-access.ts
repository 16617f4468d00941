// Access-control questions in ROS terms: topics, service clients and servers, mapped to the DDS topic names
// SROS2 permissions are written in (rt/<topic>, rq/<service>Request, rr/<service>Reply).
import type { AccessControl, Decision } from '@medkit/rtps/security';
import { serviceToDds, topicToDds } from '../names/dds-topics.js';

export class RosAccess {
  constructor(
    private readonly access: AccessControl,
    private readonly subject: string,
    private readonly domain: number,
  ) {}

  mayPublish(topic: string, now?: Date): Decision {
    return this.access.check(this.subject, 'publish', topicToDds(topic), this.domain, { now });
  }

  maySubscribe(topic: string, now?: Date): Decision {
    return this.access.check(this.subject, 'subscribe', topicToDds(topic), this.domain, { now });
  }

  /** A client writes requests and reads replies. */
  mayCallService(service: string, now?: Date): Decision {
    const t = serviceToDds(service);
    return both(this.access.check(this.subject, 'publish', t.request, this.domain, { now }), this.access.check(this.subject, 'subscribe', t.reply, this.domain, { now }));
  }

  /** A server reads requests and writes replies. */
  mayServeService(service: string, now?: Date): Decision {
    const t = serviceToDds(service);
    return both(this.access.check(this.subject, 'subscribe', t.request, this.domain, { now }), this.access.check(this.subject, 'publish', t.reply, this.domain, { now }));
  }

  mayJoin(now?: Date): Decision {
    return this.access.mayJoin(this.subject, this.domain, now);
  }
}

function both(a: Decision, b: Decision): Decision {
  return !a.allowed ? a : !b.allowed ? b : { allowed: true, reason: `${a.reason}; ${b.reason}` };
}
