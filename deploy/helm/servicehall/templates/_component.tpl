{{/*
The generic component: every entry of .Values.components is rendered by the defines
below (called from components.yaml). Each define takes
  (dict "ctx" $ "name" <component key> "component" <component values>)
A component's kind decides the flavour:
  grpc  gRPC server + metrics port, DATABASE_URL, Kafka, gRPC health probes; verifies
        tokens with the gateway's keys (AUTH_JWKS_URL), reflection off
  http  the gateway: one HTTP port serving the API, /metrics, /healthz and /readyz, its
        own database (GATEWAY_DATABASE_URL: accounts, clients, signing keys)
*/}}

{{/*
Container args of a component: `python -m <module> serve` for gRPC services,
`python -m <module>` for the gateway, `python -m <module> migrate` for migrations.
(dict "component" $c "action" "serve"|"migrate"|"")
*/}}
{{- define "servicehall.component.args" -}}
- python
- -m
- {{ .component.module }}
{{- with .action }}
- {{ . }}
{{- end }}
{{- end }}

{{/*
Environment of a gRPC service container; the migration Job uses the same list so both
load identical settings. (dict "ctx" $ "name" $name "component" $c "secret" <databaseSecret
dict> "serviceName" <OTEL_SERVICE_NAME>)
*/}}
{{- define "servicehall.component.grpcEnv" -}}
{{- $ := .ctx -}}
- name: GRPC_HOST
  value: "0.0.0.0"
- name: GRPC_PORT
  value: {{ .component.ports.grpc | quote }}
- name: METRICS_PORT
  value: {{ .component.ports.metrics | quote }}
- name: KAFKA_BOOTSTRAP_SERVERS
  value: {{ required "kafka.bootstrapServers is required: the host:port list of the external Kafka brokers" $.Values.kafka.bootstrapServers | quote }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ .secret.name }}
      key: {{ .secret.key }}
- name: AUTH_ISSUER
  value: {{ $.Values.auth.issuer | quote }}
- name: AUTH_JWKS_URL
  value: {{ include "servicehall.jwksUrl" $ | quote }}
{{- range .component.env }}
{{- if eq .name "GRPC_REFLECTION" }}
{{- fail "components.*.env: GRPC_REFLECTION stays off in the chart (reflection describes the whole API to anyone who can connect)" }}
{{- end }}
{{- end }}
- name: GRPC_REFLECTION
  value: "false"
{{ include "servicehall.commonEnv" (dict "ctx" $ "name" .serviceName "component" .component) }}
{{- with .component.env }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
Environment of the gateway: its port, its database, the issuer it signs tokens as and the
address of every enabled gRPC service; its migration Job uses the same list.
(dict "ctx" $ "name" $name "component" $c "secret" <databaseSecret dict> "serviceName" <OTEL_SERVICE_NAME>)
*/}}
{{- define "servicehall.component.httpEnv" -}}
{{- $ := .ctx -}}
- name: HTTP_PORT
  value: {{ .component.ports.http | quote }}
- name: GATEWAY_DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ .secret.name }}
      key: {{ .secret.key }}
- name: AUTH_ISSUER
  value: {{ $.Values.auth.issuer | quote }}
{{- range $other := keys $.Values.components | sortAlpha }}
{{- $oc := get $.Values.components $other }}
{{- if and $oc.enabled (eq $oc.kind "grpc") }}
- name: {{ printf "%s_ADDR" ($other | upper | replace "-" "_") }}
  value: {{ printf "%s:%v" (include "servicehall.componentFullname" (dict "ctx" $ "name" $other)) $oc.ports.grpc | quote }}
{{- end }}
{{- end }}
{{ include "servicehall.commonEnv" (dict "ctx" $ "name" .serviceName "component" .component) }}
{{- with .component.env }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
Readiness and liveness probes: the standard grpc.health.v1 service for gRPC services,
/readyz and /healthz for the gateway.
*/}}
{{- define "servicehall.component.probes" -}}
{{- $p := .ctx.Values.defaults.probes -}}
{{- if eq .component.kind "grpc" }}
readinessProbe:
  grpc:
    port: {{ .component.ports.grpc }}
  periodSeconds: {{ $p.periodSeconds }}
  timeoutSeconds: {{ $p.timeoutSeconds }}
  failureThreshold: {{ $p.failureThreshold }}
livenessProbe:
  grpc:
    port: {{ .component.ports.grpc }}
  initialDelaySeconds: {{ $p.initialDelaySeconds }}
  periodSeconds: {{ $p.periodSeconds }}
  timeoutSeconds: {{ $p.timeoutSeconds }}
  failureThreshold: {{ $p.failureThreshold }}
{{- else }}
readinessProbe:
  httpGet:
    path: /readyz
    port: http
  periodSeconds: {{ $p.periodSeconds }}
  timeoutSeconds: {{ $p.timeoutSeconds }}
  failureThreshold: {{ $p.failureThreshold }}
livenessProbe:
  httpGet:
    path: /healthz
    port: http
  initialDelaySeconds: {{ $p.initialDelaySeconds }}
  periodSeconds: {{ $p.periodSeconds }}
  timeoutSeconds: {{ $p.timeoutSeconds }}
  failureThreshold: {{ $p.failureThreshold }}
{{- end }}
{{- end }}

{{/*
Name and port of the port Prometheus scrapes.
*/}}
{{- define "servicehall.component.metricsPortName" -}}
{{- if eq .component.kind "grpc" }}metrics{{ else }}http{{ end }}
{{- end }}

{{- define "servicehall.component.metricsPort" -}}
{{- if eq .component.kind "grpc" }}{{ .component.ports.metrics }}{{ else }}{{ .component.ports.http }}{{ end }}
{{- end }}

{{/*
Deployment of a component.
*/}}
{{- define "servicehall.component.deployment" -}}
{{- $ := .ctx }}
{{- $c := .component }}
{{- $d := $.Values.defaults }}
{{- $grpc := eq $c.kind "grpc" }}
{{- $podAnnotations := merge (deepCopy (default dict $c.podAnnotations)) (default dict $d.podAnnotations) }}
{{- if $.Values.metrics.scrapeAnnotations }}
{{- $_ := set $podAnnotations "prometheus.io/scrape" "true" }}
{{- $_ := set $podAnnotations "prometheus.io/port" (include "servicehall.component.metricsPort" .) }}
{{- $_ := set $podAnnotations "prometheus.io/path" "/metrics" }}
{{- end }}
{{- $secret := include "servicehall.databaseSecret" . | fromYaml }}
{{- if $secret.managed }}
{{- $_ := set $podAnnotations "checksum/database" ($c.database.url | sha256sum) }}
{{- end -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "servicehall.componentFullname" . }}
  labels:
    {{- include "servicehall.componentLabels" . | nindent 4 }}
spec:
  replicas: {{ include "servicehall.componentValue" (dict "component" $c "key" "replicas" "default" $d.replicas) }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "servicehall.componentSelectorLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "servicehall.componentLabels" . | nindent 8 }}
      {{- with $podAnnotations }}
      annotations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    spec:
      serviceAccountName: {{ include "servicehall.serviceAccountName" $ }}
      automountServiceAccountToken: false
      enableServiceLinks: false
      terminationGracePeriodSeconds: {{ $d.terminationGracePeriodSeconds }}
      securityContext:
        {{- include "servicehall.podSecurityContext" $ | nindent 8 }}
      {{- with $.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ .name }}
          image: {{ include "servicehall.image" $ | quote }}
          imagePullPolicy: {{ $.Values.image.pullPolicy }}
          args:
            {{- include "servicehall.component.args" (dict "component" $c "action" (ternary "serve" "" $grpc)) | nindent 12 }}
          ports:
            {{- if $grpc }}
            - name: grpc
              containerPort: {{ $c.ports.grpc }}
              protocol: TCP
            - name: metrics
              containerPort: {{ $c.ports.metrics }}
              protocol: TCP
            {{- else }}
            - name: http
              containerPort: {{ $c.ports.http }}
              protocol: TCP
            {{- end }}
          env:
            {{- if $grpc }}
            {{- include "servicehall.component.grpcEnv" (dict "ctx" $ "name" .name "component" $c "secret" $secret "serviceName" .name) | nindent 12 }}
            {{- else }}
            {{- include "servicehall.component.httpEnv" (dict "ctx" $ "name" .name "component" $c "secret" $secret "serviceName" .name) | nindent 12 }}
            {{- end }}
          {{- include "servicehall.component.probes" . | trim | nindent 10 }}
          resources:
            {{- include "servicehall.componentValue" (dict "component" $c "key" "resources" "default" $d.resources) | nindent 12 }}
          securityContext:
            {{- include "servicehall.containerSecurityContext" $ | nindent 12 }}
          volumeMounts:
            {{- include "servicehall.tmpVolumeMount" $ | nindent 12 }}
      volumes:
        {{- include "servicehall.tmpVolume" $ | nindent 8 }}
      {{- with $d.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $d.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $d.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end }}

{{/*
Service of a component: grpc + metrics ports, or the gateway's http port.
*/}}
{{- define "servicehall.component.service" -}}
{{- $c := .component }}
{{- $svc := default dict $c.service -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "servicehall.componentFullname" . }}
  labels:
    {{- include "servicehall.componentLabels" . | nindent 4 }}
  {{- with $svc.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  type: {{ default "ClusterIP" $svc.type }}
  selector:
    {{- include "servicehall.componentSelectorLabels" . | nindent 4 }}
  ports:
    {{- if eq $c.kind "grpc" }}
    - name: grpc
      port: {{ $c.ports.grpc }}
      targetPort: grpc
      protocol: TCP
      appProtocol: grpc
    - name: metrics
      port: {{ $c.ports.metrics }}
      targetPort: metrics
      protocol: TCP
      appProtocol: http
    {{- else }}
    - name: http
      port: {{ $c.ports.http }}
      targetPort: http
      protocol: TCP
      appProtocol: http
    {{- end }}
{{- end }}

{{/*
prometheus-operator ServiceMonitor of a component (metrics.serviceMonitor.enabled).
*/}}
{{- define "servicehall.component.serviceMonitor" -}}
{{- $sm := .ctx.Values.metrics.serviceMonitor -}}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ include "servicehall.componentFullname" . }}
  labels:
    {{- include "servicehall.componentLabels" . | nindent 4 }}
    {{- with $sm.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  selector:
    matchLabels:
      {{- include "servicehall.componentSelectorLabels" . | nindent 6 }}
  endpoints:
    - port: {{ include "servicehall.component.metricsPortName" . }}
      path: /metrics
      interval: {{ $sm.interval }}
      scrapeTimeout: {{ $sm.scrapeTimeout }}
{{- end }}

{{/*
Secret holding a component's database URL when the chart manages it (database.url).
*/}}
{{- define "servicehall.component.databaseSecret" -}}
{{- $secret := include "servicehall.databaseSecret" . | fromYaml }}
{{- if $secret.managed -}}
apiVersion: v1
kind: Secret
metadata:
  name: {{ $secret.name }}
  labels:
    {{- include "servicehall.componentLabels" . | nindent 4 }}
type: Opaque
data:
  {{ $secret.key }}: {{ .component.database.url | b64enc | quote }}
{{- end }}
{{- end }}
