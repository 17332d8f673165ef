//! [`DangerClass`]: the occupational-safety hazard class of a workplace (İSG tehlike sınıfı).

use crate::enums::string_enum;

string_enum! {
    /// The hazard class of a company's workplace under Turkish occupational health and safety law,
    /// which drives how much OSGB service it needs.
    pub enum DangerClass {
        /// Az tehlikeli.
        LessDangerous => "LESS_DANGEROUS",
        /// Tehlikeli.
        Dangerous => "DANGEROUS",
        /// Çok tehlikeli.
        VeryDangerous => "VERY_DANGEROUS",
    }
    field = "danger_class";
}

impl DangerClass {
    /// The Turkish name, for display.
    pub const fn turkish_label(self) -> &'static str {
        match self {
            Self::LessDangerous => "Az Tehlikeli",
            Self::Dangerous => "Tehlikeli",
            Self::VeryDangerous => "Çok Tehlikeli",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_and_labels() {
        let all: Vec<_> = DangerClass::ALL
            .iter()
            .map(|c| (c.as_str(), c.turkish_label()))
            .collect();
        assert_eq!(
            all,
            [
                ("LESS_DANGEROUS", "Az Tehlikeli"),
                ("DANGEROUS", "Tehlikeli"),
                ("VERY_DANGEROUS", "Çok Tehlikeli"),
            ]
        );
        assert_eq!(
            DangerClass::parse("VERY_DANGEROUS"),
            Ok(DangerClass::VeryDangerous)
        );
        assert!(DangerClass::parse("Tehlikeli").is_err());
    }
}
