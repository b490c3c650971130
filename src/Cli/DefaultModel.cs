using DeepVis.Kernels.Runtime;
using DeepVis.Nets;

namespace DeepVis.Cli;

/// <summary>The model embedded in the executable, used when no --weights is given.</summary>
public static class DefaultModel
{
    public static Network Load(Device device) =>
        throw new UserException("no --weights given and no embedded default model in this build; convert a model with 'deepvis convert'");
}
