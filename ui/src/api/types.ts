// Wire shapes of MLflow's REST API (protobuf JSON: unset fields are absent, int64 may arrive as strings).

export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

export interface KeyValue {
  key: string;
  value: string;
}

export interface Experiment {
  experiment_id: string;
  name: string;
  artifact_location?: string;
  lifecycle_stage: 'active' | 'deleted';
  creation_time?: number | string;
  last_update_time?: number | string;
  tags?: KeyValue[];
}

export interface Metric {
  key: string;
  value: number;
  timestamp: number | string;
  step?: number | string;
}

export interface MetricPoint extends Metric {
  run_id?: string;
}

export interface RunInfo {
  run_id: string;
  run_name?: string;
  experiment_id: string;
  user_id?: string;
  status: 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';
  start_time?: number | string;
  end_time?: number | string;
  artifact_uri?: string;
  lifecycle_stage: 'active' | 'deleted';
}

/**
 * A dataset as MLflow records it. `source`, `schema` and `profile` are JSON documents sent as strings (the schema is
 * often `{"mlflow_colspec": [...]}`, the profile `{"num_rows": ...}`).
 */
export interface Dataset {
  name: string;
  digest: string;
  source_type?: string;
  source?: string;
  schema?: string;
  profile?: string;
}

/** A dataset a run used; the `mlflow.data.context` tag says how (training, eval...). */
export interface DatasetInput {
  tags?: KeyValue[];
  dataset: Dataset;
}

export interface Run {
  info: RunInfo;
  data: { metrics?: Metric[]; params?: KeyValue[]; tags?: KeyValue[] };
  /** MLflow 3: the datasets and logged models (`model_id`s) the run used. */
  inputs?: { dataset_inputs?: DatasetInput[]; model_inputs?: { model_id: string }[] };
  /** MLflow 3: the logged models the run produced, with the step it logged each at. */
  outputs?: { model_outputs?: { model_id: string; step?: number | string }[] };
}

export type LoggedModelStatus = 'LOGGED_MODEL_STATUS_UNSPECIFIED' | 'LOGGED_MODEL_PENDING' | 'LOGGED_MODEL_READY' | 'LOGGED_MODEL_UPLOAD_FAILED';

/** A metric logged against a logged model, possibly for one dataset. */
export interface LoggedModelMetric extends MetricPoint {
  dataset_name?: string;
  dataset_digest?: string;
  model_id?: string;
}

/** MLflow 3's logged model (`/logged-models/...`). */
export interface LoggedModel {
  info: {
    model_id: string;
    experiment_id?: string;
    name?: string;
    creation_timestamp_ms?: number | string;
    last_updated_timestamp_ms?: number | string;
    artifact_uri?: string;
    status?: LoggedModelStatus | number;
    status_message?: string;
    model_type?: string;
    source_run_id?: string;
    tags?: KeyValue[];
  };
  data?: { params?: KeyValue[]; metrics?: LoggedModelMetric[] };
}

export interface FileInfo {
  path: string;
  is_dir?: boolean;
  file_size?: number | string;
}
