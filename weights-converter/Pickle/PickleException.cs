namespace DeepVis.WeightsConverter.Pickle;

/// <summary>A pickle stream this reader refuses: an unsupported opcode or global, or malformed data.</summary>
internal sealed class PickleException(string message) : Exception(message);
