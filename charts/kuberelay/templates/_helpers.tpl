{{/*
Chart name, truncated to the 63 characters a label value may hold.
*/}}
{{- define "kuberelay.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Prefix of every object's name: <release>-<chart>, or the release name alone when it
already contains the chart name. Truncated so that the longest suffix the chart adds
("-webhook-tls", "-gateway-config") still fits a 63-character name.
*/}}
{{- define "kuberelay.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 47 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 47 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 47 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "kuberelay.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels on every object.
*/}}
{{- define "kuberelay.labels" -}}
helm.sh/chart: {{ include "kuberelay.chart" . }}
{{ include "kuberelay.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: kuberelay
{{- end }}

{{/*
Labels that identify the release; selectors add app.kubernetes.io/component.
*/}}
{{- define "kuberelay.selectorLabels" -}}
app.kubernetes.io/name: {{ include "kuberelay.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Labels of one component's objects. Call with (dict "ctx" $ "component" "gateway").
*/}}
{{- define "kuberelay.componentLabels" -}}
{{ include "kuberelay.labels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/*
Selector of one component's pods. Call with (dict "ctx" $ "component" "gateway").
*/}}
{{- define "kuberelay.componentSelectorLabels" -}}
{{ include "kuberelay.selectorLabels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "kuberelay.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag }}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}
{{- end }}

{{/*
The compiled gateway config Secret: written by the operator, read by the gateways.
*/}}
{{- define "kuberelay.configSecretName" -}}
{{- default (printf "%s-gateway-config" (include "kuberelay.fullname" .)) .Values.configSecretName }}
{{- end }}

{{/*
The operator's Deployment. The Secrets the operator creates in the release namespace carry an
ownerReference to it, so helm uninstall (which deletes it) garbage-collects them too.
*/}}
{{- define "kuberelay.operatorDeploymentName" -}}
{{- printf "%s-operator" (include "kuberelay.fullname" .) }}
{{- end }}

{{- define "kuberelay.masterKeySecretName" -}}
{{- default (printf "%s-master-key" (include "kuberelay.fullname" .)) .Values.masterKey.existingSecret }}
{{- end }}

{{/*
Who issues the webhook's serving certificate: "operator" (the default; it also keeps the
caBundle and rotates both) or "certManager". webhook.certManager.enabled=true still selects
cert-manager, as it did before webhook.tls.mode existed.
*/}}
{{- define "kuberelay.webhookTlsMode" -}}
{{- $mode := .Values.webhook.tls.mode | default "operator" }}
{{- if .Values.webhook.certManager.enabled }}
{{- $mode = "certManager" }}
{{- end }}
{{- if not (has $mode (list "operator" "certManager")) }}
{{- fail (printf "webhook.tls.mode must be operator or certManager, got %q" $mode) }}
{{- end }}
{{- $mode }}
{{- end }}

{{/*
The webhook's serving certificate. cert-manager's Secret has its own name, so that
switching modes never makes the operator and cert-manager fight over one Secret.
*/}}
{{- define "kuberelay.webhookTlsSecretName" -}}
{{- if eq (include "kuberelay.webhookTlsMode" .) "certManager" }}
{{- printf "%s-webhook-cert" (include "kuberelay.fullname" .) }}
{{- else }}
{{- printf "%s-webhook-tls" (include "kuberelay.fullname" .) }}
{{- end }}
{{- end }}

{{/*
The webhook CA and its private key (operator mode), apart from the serving Secret so the
webhook, which may read only the latter, never sees the CA key.
*/}}
{{- define "kuberelay.webhookCaSecretName" -}}
{{- printf "%s-webhook-tls-ca" (include "kuberelay.fullname" .) }}
{{- end }}

{{- define "kuberelay.gatewayServiceName" -}}
{{- printf "%s-gateway" (include "kuberelay.fullname" .) }}
{{- end }}

{{- define "kuberelay.webhookServiceName" -}}
{{- printf "%s-webhook" (include "kuberelay.fullname" .) }}
{{- end }}

{{- define "kuberelay.gatewayUrl" -}}
{{- default (printf "http://%s.%s.svc:%v" (include "kuberelay.gatewayServiceName" .) .Release.Namespace .Values.gateway.port) .Values.webhook.gatewayUrl }}
{{- end }}

{{/*
Environment every component gets: its own namespace and name (downward API; the name is the
operator's leader-election identity), the log level, and the metrics token when one is named.
*/}}
{{- define "kuberelay.commonEnv" -}}
- name: POD_NAMESPACE
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
- name: KUBERELAY_LOG_LEVEL
  value: {{ .Values.logLevel | quote }}
{{- include "kuberelay.metricsTokenEnv" . }}
{{- end }}

{{/*
The key-encryption keys, for the operator (encrypts) and the gateways (decrypt): the master
key, optional unwrap-only keys during a rotation (local and KMS), and an AWS KMS key when
kms.keyId is set (which then seals; the master key still unwraps, for the move from local to KMS).
*/}}
{{- define "kuberelay.masterKeyEnv" -}}
- name: KUBERELAY_MASTER_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "kuberelay.masterKeySecretName" . }}
      key: {{ .Values.masterKey.secretKey }}
- name: KUBERELAY_MASTER_KEY_PREVIOUS
  valueFrom:
    secretKeyRef:
      name: {{ include "kuberelay.masterKeySecretName" . }}
      key: {{ .Values.masterKey.previousSecretKey }}
      optional: true
{{- with .Values.kms }}
{{- if .keyId }}
- name: KUBERELAY_KMS_KEY_ID
  value: {{ .keyId | quote }}
{{- end }}
{{- if .previousKeyIds }}
- name: KUBERELAY_KMS_KEY_ID_PREVIOUS
  value: {{ join "," .previousKeyIds | quote }}
{{- end }}
{{- if or .keyId .previousKeyIds }}
{{- with .region }}
- name: AWS_REGION
  value: {{ . | quote }}
{{- end }}
{{- with .endpoint }}
- name: KUBERELAY_KMS_ENDPOINT
  value: {{ . | quote }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Pod-level fields shared by every component. Call with (dict "ctx" $ "component" "gateway" "values" .Values.gateway).
*/}}
{{- define "kuberelay.podSpecCommon" -}}
{{- $ctx := .ctx -}}
serviceAccountName: {{ include "kuberelay.fullname" $ctx }}-{{ .component }}
securityContext:
  {{- toYaml $ctx.Values.podSecurityContext | nindent 2 }}
{{- with $ctx.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
{{- with .values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
topologySpreadConstraints:
{{- if .values.topologySpreadConstraints }}
  {{- toYaml .values.topologySpreadConstraints | nindent 2 }}
{{- else }}
  - maxSkew: 1
    topologyKey: kubernetes.io/hostname
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "kuberelay.componentSelectorLabels" (dict "ctx" $ctx "component" .component) | nindent 8 }}
{{- end }}
{{- end }}

{{/*
Pod metadata shared by every component. Call like kuberelay.podSpecCommon.
*/}}
{{- define "kuberelay.podMetadata" -}}
labels:
  {{- include "kuberelay.componentSelectorLabels" (dict "ctx" .ctx "component" .component) | nindent 2 }}
  {{- with .ctx.Values.podLabels }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- with .ctx.Values.podAnnotations }}
annotations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/*
Refuses webhook values that would render a configuration the API server takes but that does not do
what was asked, each with a message naming the value.
*/}}
{{- define "kuberelay.validateWebhookValues" -}}
{{- $webhook := .Values.webhook }}
{{- if hasKey $webhook "failurePolicy" }}
{{- fail (printf "webhook.failurePolicy (%v) is no longer supported: every namespace fails open (Ignore), and webhook.failClosedForLabelledNamespaces=true makes namespaces labelled kuberelay.dev/inject=enabled fail closed (Fail)" $webhook.failurePolicy) }}
{{- end }}
{{- if not (kindIs "bool" $webhook.failClosedForLabelledNamespaces) }}
{{- fail (printf "webhook.failClosedForLabelledNamespaces must be true or false, got %v" $webhook.failClosedForLabelledNamespaces) }}
{{- end }}
{{- $timeout := $webhook.timeoutSeconds }}
{{- if not (and (or (kindIs "int" $timeout) (kindIs "int64" $timeout) (kindIs "float64" $timeout)) (eq (float64 $timeout) (float64 (int $timeout))) (ge (int $timeout) 1) (le (int $timeout) 5)) }}
{{- fail (printf "webhook.timeoutSeconds must be a whole number of seconds from 1 to 5 (a slow webhook delays every Pod creation), got %v" $timeout) }}
{{- end }}
{{- end }}

{{/* The most gateway replicas that may run: the autoscaler's maximum when it is on. */}}
{{- define "kuberelay.gatewayReplicas" -}}
{{- if .Values.gateway.autoscaling.enabled -}}
{{ .Values.gateway.autoscaling.maxReplicas }}
{{- else -}}
{{ .Values.gateway.replicas }}
{{- end -}}
{{- end }}
