{{/*
Chart name, overridable with nameOverride.
*/}}
{{- define "servicehall.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Fully qualified release name: fullnameOverride, or "<release>-<name>" unless the
release name already contains the chart name. Truncated to 63 characters (DNS label).
*/}}
{{- define "servicehall.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Chart label value: "<name>-<version>".
*/}}
{{- define "servicehall.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels shared by every object of the release.
*/}}
{{- define "servicehall.labels" -}}
helm.sh/chart: {{ include "servicehall.chart" . }}
{{ include "servicehall.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: {{ include "servicehall.name" . }}
{{- end }}

{{/*
Selector labels of the release (name + instance).
*/}}
{{- define "servicehall.selectorLabels" -}}
app.kubernetes.io/name: {{ include "servicehall.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
"<fullname>-<suffix>" within 63 characters: the fullname is shortened, never the suffix,
so names of different components and jobs cannot collide after truncation.
(dict "ctx" $ "suffix" "cases-migrate")
*/}}
{{- define "servicehall.suffixedName" -}}
{{- $room := sub 62 (len .suffix) | int }}
{{- printf "%s-%s" (include "servicehall.fullname" .ctx | trunc $room | trimSuffix "-") .suffix }}
{{- end }}

{{/*
Per-component helpers. They take a dict: (dict "ctx" $ "name" <component key>).
*/}}
{{- define "servicehall.componentFullname" -}}
{{- include "servicehall.suffixedName" (dict "ctx" .ctx "suffix" .name) }}
{{- end }}

{{- define "servicehall.componentLabels" -}}
{{ include "servicehall.labels" .ctx }}
app.kubernetes.io/component: {{ .name }}
{{- end }}

{{- define "servicehall.componentSelectorLabels" -}}
{{ include "servicehall.selectorLabels" .ctx }}
app.kubernetes.io/component: {{ .name }}
{{- end }}

{{/*
Name of the ServiceAccount the workloads run as.
*/}}
{{- define "servicehall.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "servicehall.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name must name an existing ServiceAccount when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
ServiceAccount of the pre-install/pre-upgrade hooks. On first install the release's own
ServiceAccount does not exist yet when hooks run, so a hook-scoped one is created.
*/}}
{{- define "servicehall.hookServiceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- include "servicehall.suffixedName" (dict "ctx" . "suffix" "hooks") }}
{{- else }}
{{- include "servicehall.serviceAccountName" . }}
{{- end }}
{{- end }}

{{/*
Container image reference.
*/}}
{{- define "servicehall.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/*
A component setting with a fallback: (dict "component" $c "key" "replicas" "default" $value).
Uses hasKey so that falsy values such as replicas: 0 are kept.
*/}}
{{- define "servicehall.componentValue" -}}
{{- if hasKey .component .key }}
{{- toYaml (get .component .key) }}
{{- else }}
{{- toYaml .default }}
{{- end }}
{{- end }}

{{/*
Where a component's database URL lives (a gRPC service's DATABASE_URL, the gateway's
GATEWAY_DATABASE_URL): (dict "ctx" $ "name" $name "component" $c).
Fails rendering unless exactly one of database.url and database.existingSecret is set.
Returns YAML {name: <secret>, key: <key>, managed: <bool>}.
*/}}
{{- define "servicehall.databaseSecret" -}}
{{- $db := .component.database }}
{{- if and $db.url $db.existingSecret }}
{{- fail (printf "components.%s.database: set either url or existingSecret, not both" .name) }}
{{- else if $db.existingSecret }}
name: {{ $db.existingSecret }}
key: {{ $db.existingSecretKey }}
managed: false
{{- else if $db.url }}
name: {{ include "servicehall.suffixedName" (dict "ctx" .ctx "suffix" (printf "%s-database" .name)) }}
key: DATABASE_URL
managed: true
{{- else }}
{{- fail (printf "components.%s.database: set url (the chart creates the Secret) or existingSecret (an existing Secret with the PostgreSQL URL)" .name) }}
{{- end }}
{{- end }}

{{/*
The JWKS the services verify tokens with: auth.jwksUrl, else the chart's gateway Service.
*/}}
{{- define "servicehall.jwksUrl" -}}
{{- $gateway := .Values.components.gateway }}
{{- if .Values.auth.jwksUrl }}
{{- .Values.auth.jwksUrl }}
{{- else if $gateway.enabled }}
{{- printf "http://%s:%v/.well-known/jwks.json" (include "servicehall.componentFullname" (dict "ctx" . "name" "gateway")) $gateway.ports.http }}
{{- else }}
{{- fail "auth.jwksUrl is required when components.gateway is disabled: the services verify tokens with the gateway's keys" }}
{{- end }}
{{- end }}

{{/*
Pod-level security context, shared by Deployments, migration Jobs and the test pod.
*/}}
{{- define "servicehall.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.podSecurity.runAsUser }}
runAsGroup: {{ .Values.podSecurity.runAsGroup }}
fsGroup: {{ .Values.podSecurity.fsGroup }}
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/*
Container-level security context: non-root, read-only root filesystem, no privilege
escalation, no capabilities.
*/}}
{{- define "servicehall.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.podSecurity.runAsUser }}
runAsGroup: {{ .Values.podSecurity.runAsGroup }}
readOnlyRootFilesystem: true
allowPrivilegeEscalation: false
privileged: false
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/*
The writable /tmp every pod gets (volume + mount).
*/}}
{{- define "servicehall.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmpSizeLimit }}
{{- end }}

{{- define "servicehall.tmpVolumeMount" -}}
- name: tmp
  mountPath: /tmp
{{- end }}

{{/*
Environment shared by every component.
(dict "ctx" $ "name" $name "component" $c)
*/}}
{{- define "servicehall.commonEnv" -}}
- name: OTEL_SERVICE_NAME
  value: {{ .name | quote }}
{{- with .ctx.Values.otel.endpoint }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ . | quote }}
{{- end }}
- name: LOG_LEVEL
  value: {{ default .ctx.Values.logLevel .component.logLevel | quote }}
{{- end }}
