"""Read datapackage.json: the one source of truth for tables, columns, types and keys."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem
from .cells import article, cast  # noqa: F401 - the curation and validation import them from here

# Data Package v2 (https://datapackage.org/standard/): the profile the package declares, and the
# keys the v2 profiles define, per level. Anything else is a typo frictionless ignores, so the lint
# fails on it; v1's `profile` and a contributor's `role` are not v2 keys (`$schema`, `type`, `roles`).
PACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
PACKAGE_KEYS = {
    "$schema",
    "name",
    "id",
    "title",
    "description",
    "homepage",
    "version",
    "created",
    "keywords",
    "image",
    "licenses",
    "sources",
    "contributors",
    "resources",
}
RESOURCE_KEYS = {
    "$schema",
    "name",
    "type",
    "path",
    "data",
    "title",
    "description",
    "homepage",
    "format",
    "mediatype",
    "encoding",
    "bytes",
    "hash",
    "schema",
    "sources",
    "licenses",
    "dialect",
}
SCHEMA_KEYS = {"$schema", "fields", "fieldsMatch", "primaryKey", "uniqueKeys", "foreignKeys", "missingValues"}
FIELD_KEYS = {
    "name",
    "title",
    "type",
    "format",
    "description",
    "example",
    "constraints",
    "missingValues",
    "categories",
    "categoriesOrdered",
    "rdfType",
    "trueValues",
    "falseValues",
    "bareNumber",
    "groupChar",
    "decimalChar",
    "itemType",
    "itemKeys",
}
CONSTRAINT_KEYS = {
    "required",
    "unique",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "jsonSchema",
    "pattern",
    "enum",
}
FOREIGN_KEY_KEYS = {"fields", "reference"}
REFERENCE_KEYS = {"resource", "fields"}
LICENSE_KEYS = {"name", "path", "title"}
SOURCE_KEYS = {"title", "path", "email", "version"}
CONTRIBUTOR_KEYS = {"title", "givenName", "familyName", "path", "email", "roles", "organization"}
FIELD_TYPES = {
    "string",
    "number",
    "integer",
    "boolean",
    "object",
    "array",
    "date",
    "time",
    "datetime",
    "year",
    "yearmonth",
    "duration",
    "geopoint",
    "geojson",
    "list",
    "any",
}


@dataclass(frozen=True)
class Field:
    """One column of a table, as the descriptor declares it."""

    name: str
    type: str
    title: str
    description: str
    constraints: dict[str, Any]

    @property
    def required(self) -> bool:
        """Whether the column must have a value."""
        return bool(self.constraints.get("required"))


@dataclass(frozen=True)
class ForeignKey:
    """A foreign key from columns of one table to columns of another."""

    fields: tuple[str, ...]
    resource: str
    reference_fields: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """One resource of the package: its name, path, columns and keys."""

    name: str
    path: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...]

    @property
    def columns(self) -> list[str]:
        """Column names in the order the CSV must have them."""
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        """The field called `name`."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


def load_descriptor(path: Path) -> dict[str, Any]:
    """Parse datapackage.json, raising InputError with the position of a syntax error."""
    try:
        descriptor: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
        return descriptor
    except FileNotFoundError:
        raise InputError(f"{path}: descriptor not found", code="file-not-found") from None
    except UnicodeDecodeError as e:
        raise InputError(f"{path}: not UTF-8 ({e.reason} at byte {e.start})", code="not-utf8") from None
    except json.JSONDecodeError as e:
        raise InputError(f"{path}:{e.lineno}: invalid JSON: {e.msg}", code="invalid-json") from None


def tables(descriptor: dict[str, Any]) -> dict[str, Table]:
    """The package's tables by name, in descriptor order."""
    result = {}
    for res in descriptor["resources"]:
        schema = res["schema"]
        pk = schema.get("primaryKey", [])
        result[res["name"]] = Table(
            name=res["name"],
            path=res["path"],
            title=res.get("title", res["name"]),
            description=res.get("description", ""),
            fields=tuple(
                Field(
                    f["name"],
                    f.get("type", "string"),
                    f.get("title", f["name"]),
                    f.get("description", ""),
                    f.get("constraints", {}),
                )
                for f in schema["fields"]
            ),
            primary_key=tuple([pk] if isinstance(pk, str) else pk),
            foreign_keys=tuple(
                ForeignKey(
                    tuple(_as_list(fk["fields"])),
                    fk["reference"]["resource"] or res["name"],
                    tuple(_as_list(fk["reference"]["fields"])),
                )
                for fk in schema.get("foreignKeys", [])
            ),
        )
    return result


def dependency_order(schema: dict[str, Table]) -> list[str]:
    """Table names with every table a foreign key refers to before the tables referring to it."""
    order: list[str] = []
    pending = list(schema)
    while pending:
        for name in pending:
            needs = {fk.resource for fk in schema[name].foreign_keys} - {name}
            if needs <= set(order):
                order.append(name)
                pending.remove(name)
                break
        else:
            raise InputError("foreign keys form a cycle among: " + ", ".join(pending), code="foreign-key-cycle")
    return order


def _as_list(value: str | list[str]) -> list[str]:
    """A key given as one name or a list of names, as a list."""
    return [value] if isinstance(value, str) else list(value)


def lint(descriptor: dict[str, Any]) -> list[Problem]:
    """Every key the Data Package specs do not define, and other structural mistakes (no file named)."""
    problems: list[Problem] = []
    _check_keys(problems, descriptor, PACKAGE_KEYS, "package")
    _lint_v2(problems, descriptor)
    for section, allowed in (("licenses", LICENSE_KEYS), ("sources", SOURCE_KEYS), ("contributors", CONTRIBUTOR_KEYS)):
        for i, item in enumerate(descriptor.get(section, [])):
            _check_keys(problems, item, allowed, f"{section}[{i}]")
    names = {_lint_resource(problems, res) for res in descriptor.get("resources", [])}
    for res in descriptor.get("resources", []):
        for fk in res.get("schema", {}).get("foreignKeys", []):
            target = fk.get("reference", {}).get("resource")
            if target and target not in names:
                problems.append(
                    Problem(
                        f"resource {res.get('name')}: foreignKey references unknown resource '{target}'",
                        code="descriptor-unknown-resource",
                    )
                )
    return problems


def _lint_v2(problems: list[Problem], descriptor: dict[str, Any]) -> None:
    """Report what v2 asks and v1 did not: the v2 `$schema`, a URI `id`, `type: table` for every
    resource (the package is tabular), and contributors' `roles` as a list."""
    notes = []
    if descriptor.get("$schema") != PACKAGE_PROFILE:
        notes.append(f"package: $schema is {descriptor.get('$schema')!r}, expected {PACKAGE_PROFILE!r}")
    identifier = descriptor.get("id")
    if identifier is not None and not re.match(r"^[a-z][a-z0-9+.-]*:\S+$", str(identifier)):
        notes.append(f"package: id {identifier!r} is not a URI")
    for res in descriptor.get("resources", []):
        if isinstance(res, dict) and res.get("type") != "table":
            notes.append(f"resource {res.get('name', '?')}: type is {res.get('type')!r}, expected 'table'")
    problems.extend(Problem(note, code="descriptor-not-v2") for note in notes)
    _lint_roles(problems, descriptor)


def _lint_roles(problems: list[Problem], descriptor: dict[str, Any]) -> None:
    """Report contributors whose `roles` is not a list of strings."""
    for i, contributor in enumerate(descriptor.get("contributors", [])):
        roles = contributor.get("roles", []) if isinstance(contributor, dict) else []
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            problems.append(
                Problem(f"contributors[{i}]: roles must be a list of strings", code="descriptor-wrong-shape")
            )


def _check_keys(problems: list[Problem], obj: Any, allowed: set[str], where: str) -> None:
    """Report `obj` if it is not an object, and each of its keys not in `allowed`."""
    if not isinstance(obj, dict):
        problems.append(
            Problem(f"{where}: expected an object, got {type(obj).__name__}", code="descriptor-wrong-shape")
        )
        return
    for key in obj:
        if key not in allowed:
            problems.append(
                Problem(
                    f"{where}: unknown key '{key}' (expected one of: {', '.join(sorted(allowed))})",
                    code="descriptor-unknown-key",
                )
            )


def _lint_resource(problems: list[Problem], res: Any) -> object:
    """Report the mistakes of one resource and its schema; return its name ('?' if it has none)."""
    rname = res.get("name", "?") if isinstance(res, dict) else "?"
    where = f"resource {rname}"
    _check_keys(problems, res, RESOURCE_KEYS, where)
    schema = res.get("schema", {}) if isinstance(res, dict) else {}
    _check_keys(problems, schema, SCHEMA_KEYS, f"{where}: schema")
    columns = set()
    for field in schema.get("fields", []):
        fname = field.get("name", "?")
        columns.add(fname)
        _lint_field(problems, field, f"{where}: field {fname}")
    _unknown_fields(problems, _as_list(schema.get("primaryKey", [])), columns, f"{where}: primaryKey")
    for fk in schema.get("foreignKeys", []):
        _check_keys(problems, fk, FOREIGN_KEY_KEYS, f"{where}: foreignKey")
        _check_keys(problems, fk.get("reference", {}), REFERENCE_KEYS, f"{where}: foreignKey reference")
        _unknown_fields(problems, _as_list(fk.get("fields", [])), columns, f"{where}: foreignKey")
    return rname


def _lint_field(problems: list[Problem], field: dict[str, Any], where: str) -> None:
    """Report a field's unknown keys, its unknown type and its unknown constraints."""
    _check_keys(problems, field, FIELD_KEYS, where)
    if field.get("type", "string") not in FIELD_TYPES:
        problems.append(Problem(f"{where}: unknown type '{field.get('type')}'", code="descriptor-unknown-type"))
    _check_keys(problems, field.get("constraints", {}), CONSTRAINT_KEYS, f"{where}: constraints")


def _unknown_fields(problems: list[Problem], keys: list[str], columns: set[str], where: str) -> None:
    """Report each key in `keys` that names no field of the resource."""
    for key in keys:
        if key not in columns:
            problems.append(Problem(f"{where} names unknown field '{key}'", code="descriptor-unknown-field"))
