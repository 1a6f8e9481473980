/**
 * The ECS cluster query language: parse, print, compile and evaluate the expressions of `memberOf` placement
 * constraints (and of `ListContainerInstances --filter`) against DescribeContainerInstances data.
 *
 * Choices where ECS is silent: the comment blocks of ./parser.ts (syntax) and ./compile.ts (evaluation), the Java
 * regular expression translation in ./java-regex.ts; summarised for users in ./README-section.md.
 */
export {
  OPERATORS,
  SUBJECTS,
  SUBJECT_NAMES,
  subjectText,
  withoutPositions,
  type AndNode,
  type ArgumentNode,
  type ConditionNode,
  type ListNode,
  type NotNode,
  type Operator,
  type OperatorNode,
  type OrNode,
  type QueryNode,
  type Span,
  type SubjectName,
  type SubjectNode,
  type ValueNode,
} from './ast.js';
export { compileQuery, prepareInstance, selectInstances, type CompiledQuery, type InstanceView } from './compile.js';
export { contextFromTasks, EMPTY_CONTEXT, taskCounts, TaskGroupIndex, type QueryContext } from './context.js';
export { caretExcerpt, QuerySyntaxError } from './errors.js';
export { RegexTranslationError, translateJavaRegex, type TranslatedRegex } from './java-regex.js';
export { MAX_EXPRESSION_LENGTH, parseQuery, type ParseOptions } from './parser.js';
export { printQuery } from './print.js';
