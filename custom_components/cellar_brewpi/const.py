"""Constants of the Cellar BrewPi integration."""

from __future__ import annotations

from typing import Final

DOMAIN: Final = "cellar_brewpi"

# What an entry is: a BrewPi controller, an Alpha glycol cellar panel or the cellar services.
CONF_KIND: Final = "kind"
KIND_BREWPI: Final = "brewpi"
KIND_ALPHA_PANEL: Final = "alpha_panel"
KIND_CELLAR_SERVICES: Final = "cellar_services"
KIND_PROFILES: Final = "fermentation_profiles"
SUBENTRY_PROFILE: Final = "profile"
SUBENTRY_THERMOSTAT: Final = "thermostat"
CONF_PROFILE: Final = "profile"
CONF_STEPS: Final = "steps"
CONF_SOURCE: Final = "source"
CONF_UNIT: Final = "unit"
CONF_THERMOSTAT: Final = "thermostat"

CONF_CONNECTION_TYPE: Final = "connection_type"
CONNECTION_NETWORK: Final = "network"
CONNECTION_SERIAL: Final = "serial"
CONF_SERIAL_PORT: Final = "serial_port"
CONF_POLL_INTERVAL: Final = "poll_interval"

DEFAULT_PORT: Final = 23
DEFAULT_POLL_INTERVAL: Final = 60  # seconds
MIN_POLL_INTERVAL: Final = 10
MAX_POLL_INTERVAL: Final = 3600
# No T: message for this many poll intervals counts as a dead link (as brewpi-script does).
STALE_POLL_INTERVALS: Final = 3

PRESET_BEER_CONSTANT: Final = "beer_constant"
PRESET_FRIDGE_CONSTANT: Final = "fridge_constant"
PRESET_BEER_PROFILE: Final = "beer_profile"

# Alpha panel
DEFAULT_PANEL_PORT: Final = 80
CONF_VESSELS: Final = "vessels"
CONF_NUMBER: Final = "number"
CONF_LABEL: Final = "label"
CONF_ADDRESS: Final = "address"
CONF_POSITION: Final = "position"
CONF_MIN_SET_POINT: Final = "min_set_point"
CONF_MAX_SET_POINT: Final = "max_set_point"
CONF_SET_POINT_STEP: Final = "set_point_step"
CONF_PAGES: Final = "pages"  # how many numbered pages (001.html, 002.html, ...) hold the values
DEFAULT_SET_POINT_STEP: Final = 1.0

# Cellar services (one entry): InfluxDB recording, CloudWatch heartbeat, Google Sheet batches
CONF_CELLAR_NAME: Final = "cellar_name"
CONF_INFLUXDB: Final = "influxdb"
CONF_URL: Final = "url"
CONF_TOKEN: Final = "token"  # noqa: S105 - the option's name
CONF_ORG: Final = "org"
CONF_BUCKET: Final = "bucket"
CONF_QUEUE_LIMIT_MB: Final = "queue_limit_mb"
DEFAULT_QUEUE_LIMIT_MB: Final = 500
CONF_CLOUDWATCH: Final = "cloudwatch"
CONF_REGION: Final = "region"
CONF_ACCESS_KEY_ID: Final = "access_key_id"
CONF_SECRET_ACCESS_KEY: Final = "secret_access_key"  # noqa: S105 - the option's name
CONF_NAMESPACE: Final = "namespace"
CONF_SNS_TOPIC_ARN: Final = "sns_topic_arn"
CONF_ENDPOINT_URL: Final = "endpoint_url"  # optional: a VPC endpoint or a local stand-in
CONF_SHEET: Final = "sheet"
CONF_SERVICE_ACCOUNT: Final = "service_account"
CONF_SHEET_ID: Final = "sheet_id"
CONF_TAB: Final = "tab"
CONF_SYNC_INTERVAL: Final = "sync_interval"
DEFAULT_SYNC_INTERVAL: Final = 10  # minutes
CONF_MASTER_ALARM_MINUTES: Final = "master_alarm_minutes"
DEFAULT_MASTER_ALARM_MINUTES: Final = 5
# At most one CloudWatch heartbeat a minute: the alarm sums heartbeats per 60 s period.
HEARTBEAT_MIN_INTERVAL: Final = 55.0

# Alarms of each chamber and vessel (`alarms`): their thresholds, in the entry's options
CONF_ALARMS: Final = "alarms"
# The area a controller's or a panel's devices are suggested into (empty: none).
CONF_AREA: Final = "area"
DEFAULT_AREA: Final = "Cellar"
