{{- define "studyspot.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}{{ .Release.Name | trunc 63 | trimSuffix "-" }}{{- else -}}{{ printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}{{- end -}}
{{- end -}}

{{/* Labels of one component: (dict "root" $ "component" "gateway") */}}
{{- define "studyspot.selector" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "studyspot.labels" -}}
{{ include "studyspot.selector" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{- define "studyspot.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{- define "studyspot.secretName" -}}
{{ .Values.secrets.existingSecret | default (printf "%s-env" (include "studyspot.fullname" .)) }}
{{- end -}}

{{/* A component's settings: the defaults overridden by its own values. (dict "root" $ "values" .Values.gateway) */}}
{{- define "studyspot.settings" -}}
{{- $merged := mergeOverwrite (deepCopy .root.Values.defaults) (deepCopy (.values | default dict)) -}}
{{- toYaml $merged -}}
{{- end -}}

{{/* Whether a component may lose a pod: replicas (or autoscaling's minimum) above 1. */}}
{{- define "studyspot.canLosePod" -}}
{{- if .autoscaling.enabled -}}{{ gt (int .autoscaling.minReplicas) 1 }}{{- else -}}{{ gt (int .replicas) 1 }}{{- end -}}
{{- end -}}

{{/* The environment every process gets: plain settings, the subgraphs' addresses, then the Secret. */}}
{{- define "studyspot.env" -}}
{{- $root := . -}}
{{- range $k, $v := .Values.env }}
- name: {{ $k }}
  value: {{ $v | quote }}
{{- end }}
- name: SUBGRAPH_MODE
  value: remote
- name: BACKGROUND_WORK
  value: "0"
- name: MIGRATE_TENANTS_ON_START
  value: "0"
- name: SHUTDOWN_DRAIN_MS
  value: {{ mul .Values.shutdown.drainSeconds 1000 | quote }}
{{- range $name, $sg := .Values.subgraphs }}
- name: SUBGRAPH_{{ upper $name }}_URL
  value: {{ printf "http://%s-%s:%d/graphql" (include "studyspot.fullname" $root) $name (int $sg.port) | quote }}
{{- end }}
{{- end -}}

{{/* Probes on the health routes every process serves. */}}
{{- define "studyspot.probes" -}}
startupProbe:
  httpGet: { path: /healthz, port: http }
  periodSeconds: 2
  failureThreshold: 60
livenessProbe:
  httpGet: { path: /healthz, port: http }
  periodSeconds: 10
  timeoutSeconds: 3
  failureThreshold: 3
readinessProbe:
  httpGet: { path: /readyz, port: http }
  periodSeconds: 2
  timeoutSeconds: 2
  failureThreshold: 2
{{- end -}}
