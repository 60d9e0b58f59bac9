using System.Text.Json.Nodes;

namespace Sharpflow.Server.Features.Runs;

/// <summary>The part of an MLmodel that MLflow keeps in the run's mlflow.log-model.history tag (Model.get_tags_dict).</summary>
public static class ModelTags
{
    public static JsonObject FromModelJson(JsonObject model)
    {
        var result = new JsonObject();
        foreach (var (key, value) in model)
        {
            // Model.get_tags_dict drops the bulky or derived fields.
            if (key is "signature" or "input_example" or "saved_input_example_info" or "metadata" or "resources" or "env_vars") continue;
            if (key == "flavors" && value is JsonObject flavors)
            {
                var slim = new JsonObject();
                foreach (var (flavor, conf) in flavors)
                {
                    if (conf is JsonObject c)
                    {
                        var copy = new JsonObject();
                        foreach (var (k, v) in c) if (k != "config") copy[k] = v?.DeepClone();
                        slim[flavor] = copy;
                    }
                    else slim[flavor] = conf?.DeepClone();
                }
                result[key] = slim;
                continue;
            }
            result[key] = value?.DeepClone();
        }
        return result;
    }
}
