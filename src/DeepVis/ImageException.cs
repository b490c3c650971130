namespace DeepVis;

/// <summary>An image or movie file that does not exist, cannot be decoded or is too large; the message names the file.</summary>
public sealed class ImageException(string message) : DeepVisException(message);
