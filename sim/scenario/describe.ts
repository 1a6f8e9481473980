/**
 * One-line descriptions of what happens in a run, for the timeline: world events, Slack posts.
 */

type Detail = Record<string, unknown>;

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** `web` from `arn:aws:ecs:…:service/prod/web` (or the old `service/web`). */
export function serviceFromArn(arn: string | undefined): string | undefined {
  if (arn === undefined) return undefined;
  const at = arn.indexOf(':service/');
  if (at < 0) return undefined;
  return arn.slice(at + ':service/'.length).split('/').pop();
}

/** Detail-types that are only timeline-worthy when a rule delivers them (there are many of them). */
export const CHATTY_DETAIL_TYPES = new Set(['ECS Task State Change', 'ECS Container Instance State Change']);

/** `ECS Service Action SERVICE_TASK_PLACEMENT_FAILURE web (RESOURCE:MEMORY)` and the like. */
export function describeEvent(event: { 'detail-type': string; resources?: unknown; detail: unknown }): string {
  const type = event['detail-type'];
  const detail = (typeof event.detail === 'object' && event.detail !== null ? event.detail : {}) as Detail;
  const resources = Array.isArray(event.resources) ? (event.resources as unknown[]).filter((r): r is string => typeof r === 'string') : [];
  const service = serviceFromArn(resources.find((r) => r.includes(':service/')));
  switch (type) {
    case 'ECS Service Action': {
      const reason = str(detail.reason);
      return `${type} ${str(detail.eventName) ?? '?'}${service ? ` ${service}` : ''}${reason ? ` (${reason})` : ''}`;
    }
    case 'ECS Deployment State Change': {
      const reason = str(detail.reason);
      return `${type} ${str(detail.eventName) ?? '?'}${service ? ` ${service}` : ''}${reason ? `: ${truncate(reason, 90)}` : ''}`;
    }
    case 'EC2 Instance-terminate Lifecycle Action':
    case 'EC2 Instance-launch Lifecycle Action':
      return `${type} ${str(detail.EC2InstanceId) ?? '?'} (${str(detail.AutoScalingGroupName) ?? '?'}, hook ${str(detail.LifecycleHookName) ?? '?'})`;
    case 'EC2 Instance Launch Successful':
    case 'EC2 Instance Launch Unsuccessful':
    case 'EC2 Instance Terminate Successful':
    case 'EC2 Instance Terminate Unsuccessful': {
      const details = (typeof detail.Details === 'object' && detail.Details !== null ? detail.Details : {}) as Detail;
      const az = str(details['Availability Zone']);
      const instance = str(detail.EC2InstanceId);
      const message = type.endsWith('Unsuccessful') ? str(detail.StatusMessage) : undefined;
      return `${type} ${str(detail.AutoScalingGroupName) ?? '?'}${instance ? ` ${instance}` : ''}${az ? ` in ${az}` : ''}${message ? `: ${truncate(message, 90)}` : ''}`;
    }
    case 'EC2 Spot Instance Interruption Warning':
      return `${type} ${str(detail['instance-id']) ?? '?'} (${str(detail['instance-action']) ?? '?'})`;
    case 'EC2 Instance Rebalance Recommendation':
      return `${type} ${str(detail['instance-id']) ?? '?'}`;
    case 'ECS Task State Change': {
      const group = str(detail.group);
      return `${type} ${group ?? str(detail.taskArn) ?? '?'} ${str(detail.lastStatus) ?? '?'}${str(detail.stoppedReason) ? ` (${truncate(str(detail.stoppedReason) ?? '', 60)})` : ''}`;
    }
    case 'ECS Container Instance State Change':
      return `${type} ${str(detail.ec2InstanceId) ?? '?'} ${str(detail.status) ?? '?'}`;
    default: {
      const name = str(detail.eventName) ?? str(detail.eventType);
      return `${type}${name ? ` ${name}` : ''}`;
    }
  }
}

function textOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value !== 'object' || value === null) return [];
  if (Array.isArray(value)) return value.flatMap(textOf);
  const record = value as Detail;
  const out: string[] = [];
  if (typeof record.text === 'string') out.push(record.text);
  else if (record.text !== undefined) out.push(...textOf(record.text));
  for (const key of ['fields', 'elements']) if (record[key] !== undefined) out.push(...textOf(record[key]));
  return out;
}

/** Slack mrkdwn as plain text: `<url|label>` → `label (url)`, `<!date^…|fallback>` → fallback, `*bold*` → bold. */
export function mrkdwnToPlain(text: string): string {
  return text
    .replace(/<!date\^[^|>]*\|([^>]*)>/g, '$1')
    .replace(/<(https?:[^|>]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/<(https?:[^>]+)>/g, '$1')
    .replace(/(^|\s)\*([^*\n]+)\*(?=\s|$|:)/g, '$1$2')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** One Block Kit block as plain lines. */
function blockLines(block: Detail): string[] {
  switch (block.type) {
    case 'header':
      return textOf(block.text);
    case 'section': {
      const lines = textOf(block.text).map(mrkdwnToPlain);
      // Fields are "*Label*\nvalue": one "Label: value" line each.
      const fields = Array.isArray(block.fields) ? (block.fields as unknown[]).flatMap(textOf).map((f) => mrkdwnToPlain(f).replace(/\n/, ': ')) : [];
      return [...lines, ...fields];
    }
    case 'context':
      return [textOf(block.elements).map(mrkdwnToPlain).join(' · ')];
    case 'divider':
      return [];
    default:
      return textOf(block).map(mrkdwnToPlain);
  }
}

/**
 * A Slack webhook body as plain text: a short title (the header block without its leading emoji, else the top-level
 * `text`) and the message (its blocks rendered as lines; the top-level `text` when it has no blocks).
 */
export function slackText(body: unknown): { title: string; text: string } {
  const record = (typeof body === 'object' && body !== null ? body : {}) as Detail;
  const top = str(record.text);
  const blocks = (Array.isArray(record.blocks) ? (record.blocks as unknown[]) : []).filter((b): b is Detail => typeof b === 'object' && b !== null);
  const header = blocks.find((b) => b.type === 'header');
  const headerText = header === undefined ? undefined : textOf(header.text).join(' ');
  const title = (headerText ?? top ?? '(no text)').replace(/^[\p{Extended_Pictographic}\uFE0F\u200D\s]+/u, '') || '(no text)';
  const lines = blocks.flatMap(blockLines).filter((line) => line.trim() !== '');
  return { title, text: lines.length > 0 ? lines.join('\n') : (top ?? title) };
}
