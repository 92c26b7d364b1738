export {
  LABELS_EVERYTHING,
  LABELS_NOTHING,
  formatLabelSelector,
  fromLabelSelector,
  isEverything,
  labelSelectorToString,
  matchesLabels,
  newRequirement,
  requiresExactMatch,
  requirementMatches,
  requirementToString,
  selectorFromSet,
  type LabelRequirement,
  type LabelSelectorError,
  type Labels,
  type ParsedLabelSelector,
  type SelectorOperator,
} from './label-selector.js';
export { parseLabelSelector } from './label-parser.js';
export { isDNS1123Subdomain, isQualifiedName, isValidLabelValue } from './label-validation.js';
export {
  FIELDS_EVERYTHING,
  escapeFieldValue,
  fieldSelectorToString,
  matchesFields,
  parseFieldSelector,
  requiresExactFieldMatch,
  transformFieldSelector,
  unescapeFieldValue,
  type FieldLabelConversion,
  type FieldSelectorError,
  type FieldTerm,
  type Fields,
  type ParsedFieldSelector,
} from './field-selector.js';
export { convertFieldSelector, fieldLabelConversion, fieldsOf, objectMatchesFields, parseFieldSelectorFor } from './field-labels.js';
