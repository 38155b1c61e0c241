# IAM for tempdb-operator's AWS Secrets Manager delivery (docs/aws.md).
#
# The two policies mirror operator-policy.json and requester-policy.json beside this file, with the
# account, name prefix, requester tag key, managed-by value and KMS key filled in from variables.
# The operator gets an IAM role for its Kubernetes service account (IRSA). Use this directory as a
# module, once per cluster:
#
#   module "tempdb_aws" {
#     source                = "./deploy/aws"
#     eks_oidc_provider_arn = module.eks.oidc_provider_arn
#     eks_oidc_provider_url = module.eks.cluster_oidc_issuer_url
#   }
#
# The values of secret_prefix, requester_tag_key, managed_by and kms_key_arn must match the
# operator's TEMPDB_AWS_* variables; the output operator_environment lists them. managed_by is what
# keeps installations apart: the operator role may only act on secrets tagged
# tempdb.dev/managed-by = managed_by, so give each cluster its own value.

terraform {
  required_version = ">= 1.3"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

variable "secret_prefix" {
  description = "Fixed start of every secret name: the part of TEMPDB_AWS_SECRET_NAME_TEMPLATE before its first placeholder."
  type        = string
  default     = "tempdb/"

  validation {
    condition     = length(var.secret_prefix) > 0 && !can(regex("[*?]", var.secret_prefix))
    error_message = "secret_prefix must not be empty (that would cover every secret in the account) and must not contain * or ?."
  }
}

variable "requester_tag_key" {
  description = "Tag key holding the requester (TEMPDB_AWS_REQUESTER_TAG)."
  type        = string
  default     = "sym.user"
}

variable "managed_by" {
  description = "Value of the tempdb.dev/managed-by tag (TEMPDB_AWS_MANAGED_BY), naming this installation: its operator role can only create, read, change and delete secrets carrying it. Give each cluster its own. Also names the role and the policies."
  type        = string
  default     = "tempdb-operator"

  validation {
    condition     = can(regex("^[A-Za-z0-9 :_@/+=.-]{1,256}$", var.managed_by))
    error_message = "managed_by must be 1 to 256 letters, digits, spaces and :_@/+=.- (what the operator accepts for TEMPDB_AWS_MANAGED_BY)."
  }
}

variable "requester_principal_arns" {
  description = "ARN patterns (ArnLike) of the roles requesters read their secrets through. Only roles whose session names users cannot choose belong here (docs/aws.md). null: the account's IAM Identity Center roles, arn:aws:iam::<account>:role/aws-reserved/sso.amazonaws.com/*."
  type        = list(string)
  default     = null

  validation {
    condition     = var.requester_principal_arns == null ? true : length(var.requester_principal_arns) > 0
    error_message = "requester_principal_arns must name at least one role ARN pattern, or be null for the IAM Identity Center roles."
  }
}

variable "kms_key_arn" {
  description = "ARN of the customer managed KMS key for new secrets (TEMPDB_AWS_KMS_KEY_ID), or null for the account's aws/secretsmanager key."
  type        = string
  default     = null
}

variable "eks_oidc_provider_arn" {
  description = "ARN of the cluster's IAM OIDC provider, e.g. arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE."
  type        = string
}

variable "eks_oidc_provider_url" {
  description = "The cluster's OIDC issuer URL, with or without https://."
  type        = string
}

variable "operator_namespace" {
  description = "Namespace the operator runs in."
  type        = string
  default     = "tempdb-system"
}

variable "operator_service_account" {
  description = "Kubernetes service account of the operator."
  type        = string
  default     = "tempdb-operator"
}

data "aws_caller_identity" "current" {}

locals {
  account_id  = data.aws_caller_identity.current.account_id
  secret_arns = "arn:aws:secretsmanager:*:${local.account_id}:secret:${var.secret_prefix}*"
  oidc_issuer = trimprefix(var.eks_oidc_provider_url, "https://")

  # The tags the operator writes (SecretTags in the sink); CreateSecret and TagResource may carry
  # no others.
  managed_by_key = "tempdb.dev/managed-by"
  sink_tag_keys = [
    var.requester_tag_key,
    local.managed_by_key,
    "tempdb.dev/namespace",
    "tempdb.dev/name",
    "tempdb.dev/uid",
    "tempdb.dev/request-id",
    "tempdb.dev/expires-at",
  ]

  requester_principal_arns = (
    var.requester_principal_arns != null
    ? var.requester_principal_arns
    : ["arn:aws:iam::${local.account_id}:role/aws-reserved/sso.amazonaws.com/*"]
  )
}

# --- Requesters: read only the secrets tagged with their own session name ----------------------

data "aws_iam_policy_document" "requester" {
  statement {
    sid       = "ReadOnlySecretsTaggedWithOwnSessionNameFromAnIdentityCenterRole"
    effect    = "Allow"
    actions   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
    resources = [local.secret_arns]

    # aws:userid of a role session is ROLEID:session-name. "$${" is a literal "${" in HCL, so IAM
    # receives the policy variable ${aws:ResourceTag/<requester_tag_key>}.
    condition {
      test     = "StringLike"
      variable = "aws:userid"
      values   = ["*:$${aws:ResourceTag/${var.requester_tag_key}}"]
    }

    condition {
      test     = "Null"
      variable = "aws:ResourceTag/${var.requester_tag_key}"
      values   = ["false"]
    }

    # For a role session aws:PrincipalArn is the role's ARN, path included. Only roles whose
    # session names people cannot choose: anyone who can pick their session name on a role with
    # this policy could read another person's secret.
    condition {
      test     = "ArnLike"
      variable = "aws:PrincipalArn"
      values   = local.requester_principal_arns
    }
  }

  # Optional: lets requesters find their secrets with list-secrets. Metadata only (names, tags,
  # descriptions of every secret in the account), never values. ListSecrets cannot be limited by
  # resource, so it needs "*". Remove this statement if that metadata must stay hidden.
  statement {
    sid       = "OptionalListSecretMetadataNoValuesListSecretsCannotBeLimitedByResource"
    effect    = "Allow"
    actions   = ["secretsmanager:ListSecrets"]
    resources = ["*"]
  }

  dynamic "statement" {
    for_each = var.kms_key_arn == null ? [] : [var.kms_key_arn]
    content {
      sid       = "OnlyWithTempdbAwsKmsKeyIdDecryptThroughSecretsManager"
      effect    = "Allow"
      actions   = ["kms:Decrypt"]
      resources = [statement.value]

      condition {
        test     = "StringLike"
        variable = "kms:ViaService"
        values   = ["secretsmanager.*.amazonaws.com"]
      }
    }
  }
}

# --- Operator: create, read, update and delete only its own installation's secrets -------------

data "aws_iam_policy_document" "operator" {
  # CreateSecret with tags is also authorized as TagResource (next statement).
  statement {
    sid       = "CreateOnlySecretsTaggedManagedByThisInstallationWithTheSinksTagsOnly"
    effect    = "Allow"
    actions   = ["secretsmanager:CreateSecret"]
    resources = [local.secret_arns]

    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/${local.managed_by_key}"
      values   = [var.managed_by]
    }

    condition {
      test     = "ForAllValues:StringEquals"
      variable = "aws:TagKeys"
      values   = local.sink_tag_keys
    }
  }

  # Both tag conditions: the secret must already be this installation's (so no other secret can be
  # adopted by tagging it), and the request must restate managed-by (so it can never be changed).
  # At CreateSecret the new secret's tags are the ones it is created with.
  statement {
    sid       = "TagOnlyThisInstallationsSecretsAndOnlyRestatingItsManagedBy"
    effect    = "Allow"
    actions   = ["secretsmanager:TagResource"]
    resources = [local.secret_arns]

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/${local.managed_by_key}"
      values   = [var.managed_by]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/${local.managed_by_key}"
      values   = [var.managed_by]
    }

    condition {
      test     = "ForAllValues:StringEquals"
      variable = "aws:TagKeys"
      values   = local.sink_tag_keys
    }
  }

  statement {
    sid    = "ReadWriteRestoreAndDeleteOnlyThisInstallationsSecrets"
    effect = "Allow"
    actions = [
      "secretsmanager:DescribeSecret",
      "secretsmanager:GetSecretValue",
      "secretsmanager:PutSecretValue",
      "secretsmanager:RestoreSecret",
      "secretsmanager:DeleteSecret",
    ]
    resources = [local.secret_arns]

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/${local.managed_by_key}"
      values   = [var.managed_by]
    }
  }

  # The operator never untags; this keeps any other policy on the role from un-scoping a secret.
  statement {
    sid       = "NeverRemoveTheManagedByTagFromAnySecret"
    effect    = "Deny"
    actions   = ["secretsmanager:UntagResource"]
    resources = ["*"]

    condition {
      test     = "ForAnyValue:StringEquals"
      variable = "aws:TagKeys"
      values   = [local.managed_by_key]
    }
  }

  # ListSecrets cannot be limited by resource; it returns metadata only, never values.
  statement {
    sid       = "ListSecretMetadataByTagListSecretsCannotBeLimitedByResource"
    effect    = "Allow"
    actions   = ["secretsmanager:ListSecrets"]
    resources = ["*"]
  }

  dynamic "statement" {
    for_each = var.kms_key_arn == null ? [] : [var.kms_key_arn]
    content {
      sid       = "OnlyWithTempdbAwsKmsKeyIdUseThatKeyThroughSecretsManager"
      effect    = "Allow"
      actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
      resources = [statement.value]

      condition {
        test     = "StringLike"
        variable = "kms:ViaService"
        values   = ["secretsmanager.*.amazonaws.com"]
      }
    }
  }
}

# --- Operator role, assumed by the operator's service account through IRSA ---------------------

data "aws_iam_policy_document" "operator_trust" {
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [var.eks_oidc_provider_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_issuer}:sub"
      values   = ["system:serviceaccount:${var.operator_namespace}:${var.operator_service_account}"]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_issuer}:aud"
      values   = ["sts.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "operator" {
  name               = var.managed_by
  description        = "tempdb-operator (${var.operator_namespace}/${var.operator_service_account}): publishes temporary database credentials to Secrets Manager"
  assume_role_policy = data.aws_iam_policy_document.operator_trust.json
}

resource "aws_iam_policy" "operator" {
  name        = "${var.managed_by}-secrets"
  description = "tempdb-operator: create, read, update and delete only the secrets under ${var.secret_prefix} tagged tempdb.dev/managed-by=${var.managed_by}"
  policy      = data.aws_iam_policy_document.operator.json
}

resource "aws_iam_role_policy_attachment" "operator" {
  role       = aws_iam_role.operator.name
  policy_arn = aws_iam_policy.operator.arn
}

resource "aws_iam_policy" "requester" {
  name        = "${var.managed_by}-requester"
  description = "Read the tempdb-operator secrets under ${var.secret_prefix} tagged ${var.requester_tag_key}=<own session name>, from the roles in requester_principal_arns"
  policy      = data.aws_iam_policy_document.requester.json
}

# Attach the requester policy only to roles whose session name users cannot choose (docs/aws.md).
# For IAM Identity Center, reference it from the permission set requesters use. A customer managed
# policy is referenced by name and path, and must exist under that name in every account the
# permission set is provisioned to:
#
#   resource "aws_ssoadmin_customer_managed_policy_attachment" "tempdb_requester" {
#     instance_arn       = tolist(data.aws_ssoadmin_instances.this.arns)[0]
#     permission_set_arn = aws_ssoadmin_permission_set.developers.arn
#     customer_managed_policy_reference {
#       name = module.tempdb_aws.requester_policy_name
#       path = "/"
#     }
#   }

output "operator_role_arn" {
  description = "Annotate the operator's service account with eks.amazonaws.com/role-arn set to this."
  value       = aws_iam_role.operator.arn
}

output "requester_policy_arn" {
  description = "Policy for the roles requesters use."
  value       = aws_iam_policy.requester.arn
}

output "requester_policy_name" {
  description = "Name of the requester policy, for aws_ssoadmin_customer_managed_policy_attachment."
  value       = aws_iam_policy.requester.name
}

output "operator_environment" {
  description = "TEMPDB_AWS_* settings of the operator that match these policies."
  value = merge(
    {
      TEMPDB_AWS_ENABLED              = "true"
      TEMPDB_AWS_SECRET_NAME_TEMPLATE = "${var.secret_prefix}{requester}/{requestId}"
      TEMPDB_AWS_REQUESTER_TAG        = var.requester_tag_key
      TEMPDB_AWS_MANAGED_BY           = var.managed_by
    },
    var.kms_key_arn == null ? {} : { TEMPDB_AWS_KMS_KEY_ID = var.kms_key_arn }
  )
}
