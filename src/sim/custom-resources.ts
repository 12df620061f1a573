import { isJsonObject, stringList, type JsonObject, type JsonValue } from './json.ts';
import { customResourceListTypes } from './list-types.ts';
import type { ResourceType } from './resource-types.ts';
import type { FieldError } from './status.ts';

/** The resource types a CustomResourceDefinition serves: one per served version. */
export function resourceTypesOfDefinition(definition: Readonly<JsonObject>): ResourceType[] {
  const spec = definition['spec'];
  if (!isJsonObject(spec) || !isJsonObject(spec['names']) || !Array.isArray(spec['versions'])) return [];
  const names = spec['names'];
  const versions = spec['versions'].filter(isJsonObject);
  const storage = versions.find((version) => version['storage'] === true);
  return versions
    .filter((version) => version['served'] === true)
    .map((version) => {
      const subresources = version['subresources'];
      const schema = isJsonObject(version['schema']) ? version['schema']['openAPIV3Schema'] : undefined;
      return {
        group: String(spec['group']),
        version: String(version['name']),
        kind: String(names['kind']),
        plural: String(names['plural']),
        singular: String(names['singular'] ?? String(names['kind']).toLowerCase()),
        namespaced: spec['scope'] !== 'Cluster',
        statusSubresource: isJsonObject(subresources) && isJsonObject(subresources['status']),
        generation: 'outside-metadata',
        allowUnconditionalUpdate: false,
        custom: true,
        defaultPropagation: 'Background',
        returnsDeletedObject: true,
        shortNames: stringList(names['shortNames']),
        listTypes: customResourceListTypes(schema),
        nameRule: 'subdomain',
        selectableFields: selectableFieldsOf(version),
        convertsFieldLabels: true,
        storageVersion: String(storage?.['name'] ?? version['name']),
      } satisfies ResourceType;
    });
}

/** Validation of a CustomResourceDefinition as apiextensions-apiserver does it (the checks a user is likely to trip). */
export function definitionErrors(definition: Readonly<JsonObject>): FieldError[] {
  const errors: FieldError[] = [];
  const spec = isJsonObject(definition['spec']) ? definition['spec'] : {};
  const names = isJsonObject(spec['names']) ? spec['names'] : {};
  const group = spec['group'];
  const plural = names['plural'];
  const required = (field: string) => errors.push({ field, reason: 'FieldValueRequired', detail: 'Required value' });
  if (typeof group !== 'string' || group === '') required('spec.group');
  else if (!group.includes('.')) errors.push({ field: 'spec.group', reason: 'FieldValueInvalid', detail: `Invalid value: "${group}": should be a domain with at least one dot` });
  if (typeof plural !== 'string' || plural === '') required('spec.names.plural');
  if (typeof names['kind'] !== 'string' || names['kind'] === '') required('spec.names.kind');
  if (spec['scope'] !== 'Namespaced' && spec['scope'] !== 'Cluster') {
    errors.push({ field: 'spec.scope', reason: 'FieldValueNotSupported', detail: `Unsupported value: ${JSON.stringify(spec['scope'] ?? '')}: supported values: "Cluster", "Namespaced"` });
  }
  const name = isJsonObject(definition['metadata']) ? definition['metadata']['name'] : undefined;
  if (typeof group === 'string' && typeof plural === 'string' && name !== `${plural}.${group}`) {
    errors.push({ field: 'metadata.name', reason: 'FieldValueInvalid', detail: `Invalid value: ${JSON.stringify(name ?? '')}: must be spec.names.plural+"."+spec.group` });
  }
  const versions = Array.isArray(spec['versions']) ? spec['versions'].filter(isJsonObject) : [];
  if (versions.length === 0) required('spec.versions');
  else if (versions.filter((version) => version['storage'] === true).length !== 1) {
    errors.push({ field: 'spec.versions', reason: 'FieldValueInvalid', detail: `Invalid value: ${JSON.stringify(versions)}: must have exactly one version marked as storage version` });
  }
  return errors;
}

/** The status the CRD controllers settle on for a definition whose names are free: established. */
export function acceptedDefinitionStatus(definition: Readonly<JsonObject>, now: string): JsonObject {
  const spec = isJsonObject(definition['spec']) ? definition['spec'] : {};
  const names = isJsonObject(spec['names']) ? spec['names'] : {};
  const kind = String(names['kind'] ?? '');
  const versions = Array.isArray(spec['versions']) ? spec['versions'].filter(isJsonObject) : [];
  const storage = versions.find((version) => version['storage'] === true);
  const condition = (type: string, reason: string, message: string): JsonObject => ({ type, status: 'True', lastTransitionTime: now, reason, message });
  return {
    acceptedNames: { ...names, singular: names['singular'] ?? kind.toLowerCase(), listKind: names['listKind'] ?? `${kind}List` },
    conditions: [
      condition('NamesAccepted', 'NoConflicts', 'no conflicts found'),
      condition('Established', 'InitialNamesAccepted', 'the initial names have been accepted'),
    ],
    storedVersions: storage ? [storage['name'] as JsonValue] : [],
  };
}

/** `spec.versions[].selectableFields[].jsonPath` (`.spec.color`) as field selector names (`spec.color`). */
function selectableFieldsOf(version: JsonObject): string[] {
  const fields = Array.isArray(version['selectableFields']) ? version['selectableFields'].filter(isJsonObject) : [];
  return fields.map((field) => String(field['jsonPath'] ?? '').replace(/^\./, '')).filter((path) => path !== '');
}

