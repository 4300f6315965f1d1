#!/usr/bin/env python3
"""Writes Examples/iac/terraform/plan.json and multi-region-plan.json: Terraform plans in HashiCorp's JSON output
format (format_version 1.2), with the AWS provider 5.x attribute names and defaults of the four KMS key types.
No provider is run (no registry access). Usage: Scripts/generate-terraform-example-plans.py Examples/iac/terraform
"""
import json, copy, sys
OUT = sys.argv[1]

KEY_DEFAULTS = {
    "bypass_policy_lockout_safety_check": False, "custom_key_store_id": None, "customer_master_key_spec": "SYMMETRIC_DEFAULT",
    "deletion_window_in_days": None, "description": None, "enable_key_rotation": False, "is_enabled": True,
    "key_usage": "ENCRYPT_DECRYPT", "multi_region": False, "region": "us-east-1", "tags": None, "xks_key_id": None,
}
KEY_UNKNOWN = {"arn": True, "id": True, "key_id": True, "policy": True, "rotation_period_in_days": True, "tags_all": True}

def key(address, name, values, unknown=None, index=None, typ="aws_kms_key", module=None, actions=("create",), config_keys=None):
    v = dict(KEY_DEFAULTS) if typ == "aws_kms_key" else {}
    v.update(values)
    u = dict(KEY_UNKNOWN) if typ == "aws_kms_key" else {"arn": True, "id": True, "key_id": True, "tags_all": True}
    for k in list(u):
        if k in v and v[k] is not None and k != "rotation_period_in_days":
            del u[k]
    if "rotation_period_in_days" in v:
        u.pop("rotation_period_in_days", None)
    u.update(unknown or {})
    for k in (unknown or {}):
        v.pop(k, None)
    return dict(address=address, name=name, values=v, unknown=u, index=index, type=typ, module=module, actions=list(actions))

def plan(instances, config_resources, module_calls=None, extra_changes=()):
    root, children = [], {}
    changes = []
    for i in instances:
        r = {"address": i["address"], "mode": "managed", "type": i["type"], "name": i["name"]}
        if i["index"] is not None: r["index"] = i["index"]
        r["provider_name"] = "registry.terraform.io/hashicorp/aws"
        r["schema_version"] = 0
        r["values"] = i["values"]
        r["sensitive_values"] = {"tags_all": {}} if i["type"] == "aws_kms_key" else {}
        if i["actions"] != ["delete"]:
            (children.setdefault(i["module"], []) if i["module"] else root).append(r)
        c = {"address": i["address"]}
        if i["module"]: c["module_address"] = i["module"]
        c.update({"mode": "managed", "type": i["type"], "name": i["name"]})
        if i["index"] is not None: c["index"] = i["index"]
        c["provider_name"] = "registry.terraform.io/hashicorp/aws"
        before = None
        if i["actions"] != ["create"]:
            before = dict(i["values"]); before.update({"arn": "arn:aws:kms:us-east-1:111122223333:key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b", "key_id": "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"})
        after = None if i["actions"] == ["delete"] else i["values"]
        c["change"] = {"actions": i["actions"], "before": before, "after": after,
                       "after_unknown": {} if after is None else i["unknown"],
                       "before_sensitive": False if before is None else {"tags_all": {}},
                       "after_sensitive": False if after is None else {"tags_all": {}}}
        changes.append(c)
    pv = {"root_module": {"resources": root}}
    if children:
        pv["root_module"]["child_modules"] = [{"resources": rs, "address": m} for m, rs in children.items()]
    cfg = {"provider_config": {"aws": {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws", "version_constraint": "~> 5.80",
                                        "expressions": {"region": {"constant_value": "us-east-1"}}}},
           "root_module": {"resources": config_resources}}
    if module_calls: cfg["root_module"]["module_calls"] = module_calls
    return {"format_version": "1.2", "terraform_version": "1.9.8",
            "planned_values": pv, "resource_changes": changes + list(extra_changes), "configuration": cfg,
            "relevant_attributes": [], "timestamp": "2025-03-14T09:26:53Z", "applyable": True, "complete": True, "errored": False}

def cres(address, typ, name, exprs, count=None, for_each=None):
    r = {"address": address, "mode": "managed", "type": typ, "name": name, "provider_config_key": "aws",
         "expressions": exprs, "schema_version": 0}
    if count is not None: r["count_expression"] = count
    if for_each is not None: r["for_each_expression"] = for_each
    return r

const = lambda v: {"constant_value": v}
ref = lambda *r: {"references": list(r)}

instances = [
    key("aws_kms_key.rotated", "rotated", {"description": "rotates yearly", "enable_key_rotation": True}),
    key("aws_kms_key.unrotated", "unrotated", {"description": "no rotation; the deletion window plays no part", "deletion_window_in_days": 7}),
    key('aws_kms_key.per_tenant["alpha"]', "per_tenant", {"enable_key_rotation": True, "rotation_period_in_days": 400}, index="alpha"),
    key('aws_kms_key.per_tenant["beta"]', "per_tenant", {"enable_key_rotation": True, "rotation_period_in_days": 400}, index="beta"),
    key("aws_kms_key.counted[0]", "counted", {"enable_key_rotation": True}, index=0),
    key("aws_kms_key.counted[1]", "counted", {"enable_key_rotation": True}, index=1),
    key("aws_kms_key.hmac", "hmac", {"customer_master_key_spec": "HMAC_256", "key_usage": "GENERATE_VERIFY_MAC"}),
    key("aws_kms_key.signing", "signing", {"customer_master_key_spec": "RSA_2048", "key_usage": "SIGN_VERIFY"}),
    key("aws_kms_key.cloudhsm", "cloudhsm", {"custom_key_store_id": "cks-1234567890abcdef0"}),
    key("aws_kms_key.disabled", "disabled", {"is_enabled": False}),
    key("aws_kms_key.from_lookup", "from_lookup", {}, unknown={"enable_key_rotation": True}),
    key("aws_kms_external_key.imported", "imported", {"description": "imported material", "enabled": True, "deletion_window_in_days": 30,
        "key_material_base64": None, "multi_region": False, "valid_to": None, "bypass_policy_lockout_safety_check": False},
        typ="aws_kms_external_key"),
    key("aws_kms_key.retired", "retired", {"enable_key_rotation": False}, actions=("delete",)),
    key("module.storage.aws_kms_key.this", "this", {"description": "module key without rotation"}, module="module.storage"),
]
config = [
    cres("aws_kms_key.rotated", "aws_kms_key", "rotated", {"description": const("rotates yearly"), "enable_key_rotation": const(True)}),
    cres("aws_kms_key.unrotated", "aws_kms_key", "unrotated", {"description": const("no rotation; the deletion window plays no part"), "deletion_window_in_days": const(7)}),
    cres("aws_kms_key.per_tenant", "aws_kms_key", "per_tenant", {"enable_key_rotation": const(True), "rotation_period_in_days": const(400)},
         for_each=ref("var.tenants")),
    cres("aws_kms_key.counted", "aws_kms_key", "counted", {"enable_key_rotation": const(True)}, count=const(2)),
    cres("aws_kms_key.hmac", "aws_kms_key", "hmac", {"customer_master_key_spec": const("HMAC_256"), "key_usage": const("GENERATE_VERIFY_MAC")}),
    cres("aws_kms_key.signing", "aws_kms_key", "signing", {"customer_master_key_spec": const("RSA_2048"), "key_usage": const("SIGN_VERIFY")}),
    cres("aws_kms_key.cloudhsm", "aws_kms_key", "cloudhsm", {"custom_key_store_id": const("cks-1234567890abcdef0")}),
    cres("aws_kms_key.disabled", "aws_kms_key", "disabled", {"is_enabled": const(False)}),
    cres("aws_kms_key.from_lookup", "aws_kms_key", "from_lookup", {"enable_key_rotation": ref("data.aws_ssm_parameter.rotate.value", "data.aws_ssm_parameter.rotate")}),
    cres("aws_kms_external_key.imported", "aws_kms_external_key", "imported", {"description": const("imported material"), "deletion_window_in_days": const(30)}),
]
calls = {"storage": {"source": "./modules/storage", "module": {"resources": [
    cres("aws_kms_key.this", "aws_kms_key", "this", {"description": const("module key without rotation")})]}}}
bucket_change = {"address": "aws_s3_bucket.logs", "mode": "managed", "type": "aws_s3_bucket", "name": "logs",
                 "provider_name": "registry.terraform.io/hashicorp/aws",
                 "change": {"actions": ["create"], "before": None, "after": {"bucket": "example-logs", "force_destroy": False},
                            "after_unknown": {"arn": True, "id": True}, "before_sensitive": False, "after_sensitive": {}}}
p = plan(instances, config, calls, extra_changes=[bucket_change])
p["planned_values"]["root_module"]["resources"].append({"address": "aws_s3_bucket.logs", "mode": "managed", "type": "aws_s3_bucket",
    "name": "logs", "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0,
    "values": {"bucket": "example-logs", "force_destroy": False}, "sensitive_values": {}})
json.dump(p, open(f"{OUT}/plan.json", "w"), indent=2); open(f"{OUT}/plan.json", "a").write("\n")

mr = [
    key("aws_kms_key.primary", "primary", {"description": "multi-Region primary", "multi_region": True, "enable_key_rotation": True}),
    key("aws_kms_replica_key.replica", "replica", {"description": "replica in eu-west-1", "enabled": True, "deletion_window_in_days": 7,
        "bypass_policy_lockout_safety_check": False, "region": "eu-west-1"}, unknown={"primary_key_arn": True}, typ="aws_kms_replica_key"),
    key("aws_kms_replica_key.of_other_stack", "of_other_stack", {"enabled": True, "region": "eu-west-1",
        "primary_key_arn": "arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab"}, typ="aws_kms_replica_key"),
    key("aws_kms_replica_key.disabled_replica", "disabled_replica", {"enabled": False, "region": "ap-southeast-2"},
        unknown={"primary_key_arn": True}, typ="aws_kms_replica_key"),
]
mrconfig = [
    cres("aws_kms_key.primary", "aws_kms_key", "primary", {"description": const("multi-Region primary"), "multi_region": const(True), "enable_key_rotation": const(True)}),
    cres("aws_kms_replica_key.replica", "aws_kms_replica_key", "replica", {"description": const("replica in eu-west-1"),
         "primary_key_arn": ref("aws_kms_key.primary.arn", "aws_kms_key.primary"), "deletion_window_in_days": const(7)}),
    cres("aws_kms_replica_key.of_other_stack", "aws_kms_replica_key", "of_other_stack",
         {"primary_key_arn": const("arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab")}),
    cres("aws_kms_replica_key.disabled_replica", "aws_kms_replica_key", "disabled_replica",
         {"enabled": const(False), "primary_key_arn": ref("aws_kms_key.primary.arn", "aws_kms_key.primary")}),
]
json.dump(plan(mr, mrconfig), open(f"{OUT}/multi-region-plan.json", "w"), indent=2); open(f"{OUT}/multi-region-plan.json", "a").write("\n")
