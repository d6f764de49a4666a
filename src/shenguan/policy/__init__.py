"""Policy profiles (政策配置): each jurisdiction's rules as a named, versioned set of parameters."""
