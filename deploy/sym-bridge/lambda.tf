# The Sym bridge as an AWS Lambda that Sym's aws_lambda strategy invokes (docs/sym.md).
#
# Creates:
#   - the function (java17, the shaded jar from `./mvnw -B -pl operator/sym-bridge -am package -DskipTests`),
#   - its IAM role: trusted by Lambda, with AWSLambdaBasicExecutionRole for CloudWatch Logs and
#     nothing else (signing the EKS token needs no IAM permission),
#   - an EKS access entry that puts the role in the Kubernetes group "tempdb-sym-bridge", which
#     rbac.yaml binds to a Role limited to get/create/delete of TemporaryDbAccess in one namespace.
#     No EKS access policy is associated: the managed ones are too broad,
#   - the Sym side: the lambda connector (an IAM role Sym's runtime may assume to invoke this
#     function), a permission_context integration, one aws_lambda_function target per Sym target,
#     an aws_lambda strategy, and a flow whose impl.py DMs secret_name to the requester.
#
# Apply rbac.yaml to the cluster too (kubectl apply -f deploy/sym-bridge/rbac.yaml); without it the
# function authenticates but every call gets HTTP 403.
#
# Use this directory as a module:
#
#   module "tempdb_sym" {
#     source               = "./deploy/sym-bridge"
#     eks_cluster_name     = "prod-eks"
#     sym_runtime_role_arn = module.runtime_connector.sym_runtime_connector_role.arn
#     sym_environment_id   = sym_environment.this.id
#   }
#
# Sym resource arguments are taken from Sym's examples and provider docs (symopsio/examples
# basic/aws_lambda_strategy, terraform-provider-sym docs/resources, provider 3.x upgrade guide).
# Lines marked "check:" could not be verified here; check them against https://docs.symops.com.
# This file was checked with `terraform validate` (AWS part only); it was never applied.

terraform {
  required_version = ">= 1.3"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.33" # aws_eks_access_entry
    }
    sym = {
      source  = "symopsio/sym"
      version = "~> 3.0" # check: the current major version; 3.x takes implementation as file contents
    }
  }
}

# --- inputs -------------------------------------------------------------------------------------

variable "eks_cluster_name" {
  description = "Name of the EKS cluster the operator runs in. Its authentication mode must be API or API_AND_CONFIG_MAP (access entries)."
  type        = string
}

variable "function_name" {
  description = "Name of the Lambda function and of its IAM role."
  type        = string
  default     = "tempdb-sym-bridge"
}

variable "lambda_jar" {
  description = "Path of the shaded jar built by ./mvnw -B -pl operator/sym-bridge -am package -DskipTests."
  type        = string
  default     = null # null: operator/sym-bridge/target/tempdb-sym-bridge-0.1.0-SNAPSHOT-lambda.jar in this repository
}

variable "grant_namespace" {
  description = "TEMPDB_SYM_NAMESPACE: where grants are created. Must be the namespace of rbac.yaml."
  type        = string
  default     = "tempdb-requests"
}

variable "delivery" {
  description = "TEMPDB_SYM_DELIVERY: AwsSecretsManager and/or KubernetesSecret, comma separated, forced on every Sym grant. Empty: each target's own."
  type        = string
  default     = "AwsSecretsManager"
}

variable "target_mapping" {
  description = "TEMPDB_SYM_TARGETS: sym_name=access-target,... for Sym target names that are not AccessTarget names. Empty: Sym target name = AccessTarget name."
  type        = string
  default     = ""
}

variable "wait_timeout_seconds" {
  description = "TEMPDB_SYM_WAIT_TIMEOUT in seconds: how long one event waits for the grant to become Active or to be revoked. The function timeout is this plus 10 s."
  type        = number
  default     = 20

  validation {
    condition     = var.wait_timeout_seconds >= 1 && var.wait_timeout_seconds <= 840
    error_message = "wait_timeout_seconds must be from 1 to 840 (14 minutes; Lambda stops a function after 15)."
  }
}

variable "log_retention_days" {
  description = "Retention of the function's CloudWatch log group."
  type        = number
  default     = 30
}

variable "sym_environment_name" {
  description = "Qualifier for the Sym lambda connector's IAM role and policy (SymLambda<Name>) and for the Sym resource names."
  type        = string
  default     = "main"
}

variable "sym_runtime_role_arn" {
  description = "ARN of the Sym runtime connector role (module symopsio/runtime-connector/aws), which may invoke this function through the lambda connector."
  type        = string
}

variable "sym_environment_id" {
  description = "ID of the sym_environment the flow belongs to."
  type        = string
}

variable "sym_targets" {
  description = "Sym targets (name => label) offered in the flow. The name arrives as fields.target.name and must be an AccessTarget name or be mapped in target_mapping."
  type        = map(string)
  default = {
    readonly = "Database, read-only"
  }
}

variable "sym_durations" {
  description = "Durations a requester may pick. Keep them within each AccessTarget's maxTtl, or the grant is refused."
  type        = list(string)
  default     = ["30m", "1h", "4h"]
}

locals {
  lambda_jar = coalesce(var.lambda_jar, "${path.module}/../../operator/sym-bridge/target/tempdb-sym-bridge-0.1.0-SNAPSHOT-lambda.jar")
}

data "aws_partition" "current" {}

data "aws_eks_cluster" "this" {
  name = var.eks_cluster_name
}

# --- the function -------------------------------------------------------------------------------

data "aws_iam_policy_document" "lambda_trust" {
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "sym_bridge" {
  name               = var.function_name
  description        = "tempdb Sym bridge Lambda; Kubernetes rights come from its EKS access entry (group tempdb-sym-bridge)"
  assume_role_policy = data.aws_iam_policy_document.lambda_trust.json
}

# CloudWatch Logs only. The EKS token is a presigned sts:GetCallerIdentity, which needs no IAM
# permission. If the cluster endpoint is private, the function must run in the VPC (vpc_config
# below) and then also needs AWSLambdaVPCAccessExecutionRole.
resource "aws_iam_role_policy_attachment" "logs" {
  role       = aws_iam_role.sym_bridge.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
}

resource "aws_cloudwatch_log_group" "sym_bridge" {
  name              = "/aws/lambda/${var.function_name}"
  retention_in_days = var.log_retention_days
}

resource "aws_lambda_function" "sym_bridge" {
  function_name    = var.function_name
  description      = "tempdb Sym bridge: Sym escalate/deescalate -> TemporaryDbAccess (docs/sym.md)"
  role             = aws_iam_role.sym_bridge.arn
  runtime          = "java17" # java21 works too
  handler          = "dev.tempdb.sym.lambda.SymLambdaHandler::handleRequest"
  filename         = local.lambda_jar
  source_code_hash = filebase64sha256(local.lambda_jar)
  memory_size      = 512
  # At least TEMPDB_SYM_WAIT_TIMEOUT + 5 s: the handler bounds its wait by the remaining time minus
  # 2 s, so the answer always reaches Sym.
  timeout = var.wait_timeout_seconds + 10

  environment {
    variables = {
      TEMPDB_EKS_CLUSTER_NAME = var.eks_cluster_name
      TEMPDB_KUBE_ENDPOINT    = data.aws_eks_cluster.this.endpoint
      TEMPDB_KUBE_CA_DATA     = data.aws_eks_cluster.this.certificate_authority[0].data
      TEMPDB_SYM_NAMESPACE    = var.grant_namespace
      TEMPDB_SYM_DELIVERY     = var.delivery
      TEMPDB_SYM_TARGETS      = var.target_mapping
      TEMPDB_SYM_WAIT_TIMEOUT = "${var.wait_timeout_seconds}s"
      # AWS_REGION is set by Lambda and names the cluster's region for the token; the function
      # must run in the cluster's region.
    }
  }

  # Only for a private cluster endpoint (see the policy note above):
  # vpc_config {
  #   subnet_ids         = var.subnet_ids
  #   security_group_ids = [var.security_group_id] # allowed to reach the API on 443
  # }

  depends_on = [aws_iam_role_policy_attachment.logs, aws_cloudwatch_log_group.sym_bridge]
}

# --- Kubernetes access --------------------------------------------------------------------------

resource "aws_eks_access_entry" "sym_bridge" {
  cluster_name      = var.eks_cluster_name
  principal_arn     = aws_iam_role.sym_bridge.arn
  type              = "STANDARD"
  kubernetes_groups = ["tempdb-sym-bridge"] # bound to the Role in rbac.yaml
  # Deliberately no aws_eks_access_policy_association: the EKS access policies grant far more
  # than get/create/delete on one resource type in one namespace.
}

# --- Sym ----------------------------------------------------------------------------------------

# An IAM role that Sym's runtime role may assume, allowed lambda:InvokeFunction on this function
# only. Outputs `settings` (cloud, region, role_arn, account_id) for the integration below.
module "sym_lambda_connector" {
  source  = "symopsio/lambda-connector/aws"
  version = ">= 1.0.0" # check: pin the version you reviewed

  environment       = var.sym_environment_name
  lambda_arns       = [aws_lambda_function.sym_bridge.arn]
  runtime_role_arns = [var.sym_runtime_role_arn]
}

resource "sym_integration" "lambda_context" {
  type        = "permission_context"
  name        = "${var.sym_environment_name}-tempdb-lambda-context"
  external_id = module.sym_lambda_connector.settings.account_id
  settings    = module.sym_lambda_connector.settings
}

# One Sym target per AccessTarget; all invoke the same function, which reads fields.target.name.
resource "sym_target" "tempdb" {
  for_each = var.sym_targets

  type  = "aws_lambda_function"
  name  = each.key # check: allowed characters of a target name; map non-Kubernetes names in target_mapping
  label = each.value

  settings = {
    arn = aws_lambda_function.sym_bridge.arn
  }
}

resource "sym_strategy" "tempdb" {
  type           = "aws_lambda"
  name           = "${var.sym_environment_name}-tempdb"
  integration_id = sym_integration.lambda_context.id
  targets        = [for t in sym_target.tempdb : t.id]
}

resource "sym_flow" "tempdb" {
  name  = "tempdb-access"
  label = "Database access"

  implementation = file("${path.module}/impl.py") # provider 3.x: file contents, not a path
  environment_id = var.sym_environment_id

  params {
    strategy_id = sym_strategy.tempdb.id

    # At least one of the two must be true. De-escalate revokes the grant at once.
    schedule_deescalation = true
    allow_revoke          = true

    prompt_field {
      name     = "reason"
      label    = "Why do you need access?"
      type     = "string"
      required = true
    }

    # Arrives as fields.duration; the bridge reads integer seconds, "1800", 30m/1h/1d or PT30M.
    # Without it each AccessTarget's defaultTtl applies.
    prompt_field {
      name           = "duration"
      type           = "duration"
      allowed_values = var.sym_durations # check: the accepted spellings of duration values
      required       = true
    }
  }
}

# --- outputs ------------------------------------------------------------------------------------

output "function_arn" {
  value = aws_lambda_function.sym_bridge.arn
}

output "role_arn" {
  description = "The principal of the EKS access entry (Kubernetes group tempdb-sym-bridge)."
  value       = aws_iam_role.sym_bridge.arn
}
