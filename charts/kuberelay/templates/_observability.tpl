{{/*
KUBERELAY_METRICS_TOKEN from metrics.tokenSecret, for every component's main container (through
kuberelay.commonEnv). Starts with a newline: it follows the last line of commonEnv.
*/}}
{{- define "kuberelay.metricsTokenEnv" -}}
{{- with .Values.metrics.tokenSecret }}
{{- if .name }}
- name: KUBERELAY_METRICS_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ .name }}
      key: {{ .key }}
{{- end }}
{{- end }}
{{- end }}

{{/*
The NetworkPolicy ingress rule of a component's ops port: Pods in the monitoring namespaces,
plus networkPolicy.extraMetricsFrom. Call with (dict "ctx" $ "port" <number>).
*/}}
{{- define "kuberelay.metricsIngressRule" -}}
{{- $np := .ctx.Values.networkPolicy -}}
- ports:
    - port: {{ .port }}
      protocol: TCP
  from:
    - namespaceSelector:
        matchLabels:
          {{- toYaml $np.metricsNamespaceSelector | nindent 10 }}
      {{- with $np.metricsPodSelector }}
      podSelector:
        matchLabels:
          {{- toYaml . | nindent 10 }}
      {{- end }}
    {{- with $np.extraMetricsFrom }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
{{- end }}

{{/*
An ingress rule for a port open to the peers given, or to any source when the list is empty
(a rule with no `from` admits everyone). Call with (dict "port" <number> "from" <list>).
*/}}
{{- define "kuberelay.openIngressRule" -}}
- ports:
    - port: {{ .port }}
      protocol: TCP
  {{- with .from }}
  from:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
