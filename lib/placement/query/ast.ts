/**
 * The syntax tree of an ECS cluster query language expression. Every node carries its source span: `start` and `end`
 * are 0-based UTF-16 offsets into the expression (`end` exclusive). Parentheses leave no node of their own: a node's
 * span is the text of the node itself, without the parentheses around it.
 */

export interface Span {
  start: number;
  end: number;
}

/** The 12 operators, by their canonical (symbolic) spelling. */
export type Operator = '==' | '!=' | '>' | '>=' | '<' | '<=' | 'exists' | '!exists' | 'in' | '!in' | '=~' | '!~';

export type SubjectName = 'agentConnected' | 'agentVersion' | 'attribute' | 'ec2InstanceId' | 'registeredAt' | 'runningTasksCount' | 'task:group';

export type QueryNode = OrNode | AndNode | NotNode | ConditionNode;

export interface OrNode extends Span {
  type: 'or';
  left: QueryNode;
  right: QueryNode;
}

export interface AndNode extends Span {
  type: 'and';
  left: QueryNode;
  right: QueryNode;
}

export interface NotNode extends Span {
  type: 'not';
  operand: QueryNode;
}

/** `subject operator [argument]`; `argument` is absent exactly for `exists` and `!exists`. */
export interface ConditionNode extends Span {
  type: 'condition';
  subject: SubjectNode;
  operator: OperatorNode;
  argument?: ArgumentNode;
}

export interface SubjectNode extends Span {
  type: 'subject';
  name: SubjectName;
  /** The attribute name of `attribute:<name>` (only then). */
  attribute?: string;
}

export interface OperatorNode extends Span {
  type: 'operator';
  operator: Operator;
}

export type ArgumentNode = ValueNode | ListNode;

/**
 * One value, as written (quotes removed and escapes resolved). For `=~` and `!~` it is the Java regular expression,
 * exactly as written between the quotes (backslashes kept).
 */
export interface ValueNode extends Span {
  type: 'value';
  value: string;
}

/** The `[a, b, c]` argument of `in` and `!in`. */
export interface ListNode extends Span {
  type: 'list';
  items: ValueNode[];
}

export type ArgumentKind = 'boolean' | 'version' | 'date' | 'number' | 'string';

export interface SubjectInfo {
  /** How it is written in canonical form (`attribute:<name>` for attributes). */
  display: string;
  operators: readonly Operator[];
  /** What a value argument must be (regular expressions aside). */
  argument: ArgumentKind;
}

const COMPARISON: readonly Operator[] = ['==', '!=', '>', '>=', '<', '<='];
const MEMBERSHIP: readonly Operator[] = ['==', '!=', 'in', '!in', '=~', '!~'];

/** Subjects with the operators they accept (the ECS documentation's lists; task:group's is our choice). */
export const SUBJECTS: Readonly<Record<SubjectName, SubjectInfo>> = {
  agentConnected: { display: 'agentConnected', operators: MEMBERSHIP, argument: 'boolean' },
  agentVersion: { display: 'agentVersion', operators: COMPARISON, argument: 'version' },
  attribute: {
    display: 'attribute:<name>',
    operators: ['==', '!=', '>', '>=', '<', '<=', 'exists', '!exists', 'in', '!in', '=~', '!~'],
    argument: 'string',
  },
  ec2InstanceId: { display: 'ec2InstanceId', operators: MEMBERSHIP, argument: 'string' },
  registeredAt: { display: 'registeredAt', operators: COMPARISON, argument: 'date' },
  runningTasksCount: { display: 'runningTasksCount', operators: COMPARISON, argument: 'number' },
  'task:group': { display: 'task:group', operators: [...MEMBERSHIP, 'exists', '!exists'], argument: 'string' },
};

export const SUBJECT_NAMES = Object.keys(SUBJECTS) as SubjectName[];

/** Every spelling of every operator, lower-cased (matching is case-insensitive), to its canonical form. */
export const OPERATOR_SPELLINGS: Readonly<Record<string, Operator>> = {
  '==': '==',
  equals: '==',
  '!=': '!=',
  not_equals: '!=',
  '>': '>',
  greater_than: '>',
  '>=': '>=',
  greater_than_equal: '>=',
  '<': '<',
  less_than: '<',
  '<=': '<=',
  less_than_equal: '<=',
  exists: 'exists',
  '!exists': '!exists',
  not_exists: '!exists',
  in: 'in',
  '!in': '!in',
  not_in: '!in',
  '=~': '=~',
  matches: '=~',
  '!~': '!~',
  not_matches: '!~',
};

export const OPERATORS: readonly Operator[] = ['==', '!=', '>', '>=', '<', '<=', 'exists', '!exists', 'in', '!in', '=~', '!~'];

/** The subject as written in canonical form: `attribute:ecs.instance-type`, `task:group`, `agentVersion`... */
export function subjectText(subject: Pick<SubjectNode, 'name' | 'attribute'>): string {
  return subject.name === 'attribute' ? `attribute:${subject.attribute ?? ''}` : subject.name;
}

/** A copy of the tree without source positions (for comparing trees). */
export function withoutPositions(node: QueryNode): unknown {
  switch (node.type) {
    case 'or':
    case 'and':
      return { type: node.type, left: withoutPositions(node.left), right: withoutPositions(node.right) };
    case 'not':
      return { type: 'not', operand: withoutPositions(node.operand) };
    case 'condition': {
      const subject = node.subject.name === 'attribute' ? { name: 'attribute', attribute: node.subject.attribute } : { name: node.subject.name };
      const argument =
        node.argument === undefined
          ? undefined
          : node.argument.type === 'list'
            ? { type: 'list', items: node.argument.items.map((i) => i.value) }
            : { type: 'value', value: node.argument.value };
      return { type: 'condition', subject, operator: node.operator.operator, ...(argument ? { argument } : {}) };
    }
  }
}
