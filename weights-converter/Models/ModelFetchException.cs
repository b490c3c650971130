namespace DeepVis.WeightsConverter.Models;

/// <summary>A known model that could not be fetched or found; the message is one line saying what to do.</summary>
public sealed class ModelFetchException(string message) : DeepVisException(message);
