/**
 * The channel-neutral message every capability hands to `lib/notify`.
 * Renderers turn it into Slack Block Kit or an SNS publication; routing picks channels by severity and cluster.
 */
export const SEVERITIES = ['critical', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface NotificationField {
  label: string;
  value: string;
}

export interface NotificationLink {
  text: string;
  url: string;
}

export interface Notification {
  /** Stable machine name of what happened, e.g. `service-task-placement-failure`; SNS attribute `kind`. */
  kind: string;
  severity: Severity;
  /** One line: Slack header, SNS subject (after ASCII clean-up and truncation). */
  title: string;
  /** Plain text paragraph: what happened and why (AWS reason text quoted as is). */
  summary: string;
  /** Short labelled facts (cluster, service, reason, deployment, instance, …), rendered as a fields grid. */
  fields: NotificationField[];
  /** Console and log links. */
  links: NotificationLink[];
  /** Longer free-form lines (task lists, instance lists); rendered after the fields, truncated to Slack's limits. */
  details?: string[];
  cluster?: string;
  service?: string;
  /** ISO-8601 time of the underlying event. */
  occurredAt: string;
}
