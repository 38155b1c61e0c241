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
# operator's TEMPDB_AWS_* variables; the output operator_environment lists them.

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
  description = "Value of the tempdb.dev/managed-by tag (TEMPDB_AWS_MANAGED_BY). Give each cluster its own. Also names the role and the policies."
  type        = string
  default     = "tempdb-operator"
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
}

# --- Requesters: read only the secrets tagged with their own session name ----------------------

data "aws_iam_policy_document" "requester" {
  statement {
    sid       = "ReadOnlySecretsTaggedWithOwnSessionName"
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

# --- Operator: create, update and delete only its own tagged secrets under the prefix ----------

data "aws_iam_policy_document" "operator" {
  statement {
    sid       = "CreateOnlySecretsTaggedManagedByThisOperator"
    effect    = "Allow"
    actions   = ["secretsmanager:CreateSecret", "secretsmanager:TagResource"]
    resources = [local.secret_arns]

    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/tempdb.dev/managed-by"
      values   = [var.managed_by]
    }
  }

  statement {
    sid    = "ManageOnlySecretsManagedByThisOperator"
    effect = "Allow"
    actions = [
      "secretsmanager:GetSecretValue",
      "secretsmanager:PutSecretValue",
      "secretsmanager:TagResource",
      "secretsmanager:DeleteSecret",
      "secretsmanager:RestoreSecret",
    ]
    resources = [local.secret_arns]

    condition {
      test     = "StringEquals"
      variable = "secretsmanager:ResourceTag/tempdb.dev/managed-by"
      values   = [var.managed_by]
    }
  }

  # Without a tag condition: the operator describes a same-named secret it does not own to say in
  # the request's status whose it is.
  statement {
    sid       = "DescribeAnySecretUnderPrefixToReportWhoOwnsATakenName"
    effect    = "Allow"
    actions   = ["secretsmanager:DescribeSecret"]
    resources = [local.secret_arns]
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
  description = "tempdb-operator: create, update and delete its own secrets under ${var.secret_prefix}"
  policy      = data.aws_iam_policy_document.operator.json
}

resource "aws_iam_role_policy_attachment" "operator" {
  role       = aws_iam_role.operator.name
  policy_arn = aws_iam_policy.operator.arn
}

resource "aws_iam_policy" "requester" {
  name        = "${var.managed_by}-requester"
  description = "Read the tempdb-operator secrets under ${var.secret_prefix} tagged ${var.requester_tag_key}=<own session name>"
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
