{{/* Chart name, truncated to 63 characters. */}}
{{- define "tempdb-operator.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: the release name if it contains the chart name, else release-chart. */}}
{{- define "tempdb-operator.fullname" -}}
{{- if contains .Chart.Name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "tempdb-operator.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "tempdb-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: tempdb-operator
{{- end }}

{{- define "tempdb-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "tempdb-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end }}

{{- define "tempdb-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "tempdb-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Where DatabaseServers, AccessTargets, admin Secrets, ConfigMaps and the Lease live. */}}
{{- define "tempdb-operator.controlNamespace" -}}
{{- default .Release.Namespace .Values.controlNamespace }}
{{- end }}

{{- define "tempdb-operator.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/*
The request-side rules: TemporaryDbAccess requests, their credential Secrets and events, in the
watched namespaces. Used by a ClusterRole (all namespaces) or a Role per watched namespace.
*/}}
{{- define "tempdb-operator.requestRules" -}}
# Informers of the TemporaryDbAccess and AccessTarget controllers; a fresh get before granting;
# the orphan sweep and RoleGrant list the live requests.
- apiGroups: ["tempdb.dev"]
  resources: ["temporarydbaccesses"]
  verbs: ["get", "list", "watch"]
# Add and remove the finalizer tempdb.dev/revoke-access (JOSDK patches) and
# delete an Expired request when TEMPDB_EXPIRED_RETENTION has passed.
- apiGroups: ["tempdb.dev"]
  resources: ["temporarydbaccesses"]
  verbs: ["patch", "delete"]
# The request's status (phase, username, expiresAt, conditions).
- apiGroups: ["tempdb.dev"]
  resources: ["temporarydbaccesses/status"]
  verbs: ["patch"]
# Not an API call: the credential Secret's ownerReference has blockOwnerDeletion: true, which the
# OwnerReferencesPermissionEnforcement admission plugin (e.g. on OpenShift) allows only to whoever
# may update the owner's finalizers.
- apiGroups: ["tempdb.dev"]
  resources: ["temporarydbaccesses/finalizers"]
  verbs: ["update"]
# The <request>-credentials Secret: create, read back for the ownership check, update (taking over
# its own Secret after a conflict), patch (a moved expiry), delete (withdraw). No list or watch.
# RBAC cannot limit this to *-credentials names.
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "create", "update", "patch", "delete"]
# Events about requests (Granted, Expired, GrantFailed, ...) for kubectl describe.
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create"]
{{- end }}
