{{/* Labels every object carries; component is detector or remedy. */}}
{{- define "nodemedic.labels" -}}
app.kubernetes.io/name: nodemedic
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* What a Deployment or DaemonSet selects its pods by: stable across upgrades. */}}
{{- define "nodemedic.selector" -}}
app.kubernetes.io/name: nodemedic
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* An image by digest when one is given (a tag can be moved, a digest cannot), else by tag. */}}
{{- define "nodemedic.imageRef" -}}
{{- if .image.digest -}}
{{ .image.repository }}@{{ .image.digest }}
{{- else -}}
{{ .image.repository }}:{{ .image.tag | default .appVersion }}
{{- end -}}
{{- end }}

{{- define "nodemedic.image" -}}
{{ include "nodemedic.imageRef" (dict "image" .Values.image "appVersion" .Chart.AppVersion) }}
{{- end }}

{{/* The rules files: the shipped kernel-monitor.json unless rules names its own. */}}
{{- define "nodemedic.rules" -}}
{{- toYaml (.Values.rules | default (dict "kernel-monitor.json" (.Files.Get "files/kernel-monitor.json"))) }}
{{- end }}

{{/* An init container copies jars and nothing more: no capability, nothing to write but the plugins volume. */}}
{{- define "nodemedic.initContainerSecurity" -}}
securityContext:
  # Root, with every capability dropped: the agent runs plugin code as root, so it loads only jars
  # root owns in a folder root owns, neither writable by group or others (the kubelet makes an
  # emptyDir 0777, hence the chmods after each copy).
  runAsUser: 0
  runAsNonRoot: false
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: true
  capabilities:
    drop: [ALL]
resources:
  requests:
    cpu: 10m
    memory: 16Mi
  limits:
    memory: 32Mi
volumeMounts:
  - name: plugins
    mountPath: /var/lib/nodemedic/plugins
{{- end }}
