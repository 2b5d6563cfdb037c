//! The fixed catalogue of hardware ("core types") and software ("analyses").

use serde_json::{Value, json};

/// A kind of compute node.
#[derive(Debug)]
pub(crate) struct CoreType {
    pub code: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub processor_info: &'static str,
    /// Allowed cores per node.
    pub cores: &'static [u32],
    /// Memory per core, MB.
    pub memory_per_core: u32,
    /// Local storage per core, GB.
    pub storage_per_core: u32,
    /// GPUs per core (0 for CPU nodes).
    pub gpus_per_core: f64,
    pub price: f64,
    pub low_priority_price: &'static str,
    pub io: &'static str,
    pub storage_io: &'static str,
    pub compute: &'static str,
    pub has_ssd: bool,
    pub remote_viz_allowed: bool,
    pub is_primary: bool,
    /// Deprecated core types are not active: `isActive=true` leaves them out and jobs
    /// cannot use them.
    pub is_deprecated: bool,
}

impl CoreType {
    /// Whether the core type can be used for new jobs.
    pub(crate) fn is_active(&self) -> bool {
        !self.is_deprecated
    }

    /// The object of `GET coretypes/`.
    pub(crate) fn to_json(&self, display_order: usize) -> Value {
        json!({
            "code": self.code,
            "name": self.name,
            "description": self.description,
            "cores": self.cores,
            "memory": self.memory_per_core,
            "storage": self.storage_per_core,
            "price": self.price,
            "lowPriorityPrice": self.low_priority_price,
            "walltimeRequired": false,
            "isDeprecated": self.is_deprecated,
            "isPrimary": self.is_primary,
            "hasSsd": self.has_ssd,
            "remoteVizAllowed": self.remote_viz_allowed,
            "displayOrder": display_order,
            "io": self.io,
            "storageIo": self.storage_io,
            "processorInfo": self.processor_info,
            "compute": self.compute,
        })
    }
}

/// Core types, in display order.
pub(crate) const CORE_TYPES: &[CoreType] = &[
    CoreType {
        code: "emerald",
        name: "Emerald",
        description: "General purpose compute, balanced memory",
        processor_info: "Intel Xeon E5-2670 (Sandy Bridge)",
        cores: &[1, 2, 4, 8, 16, 32],
        memory_per_core: 4000,
        storage_per_core: 32,
        gpus_per_core: 0.0,
        price: 0.07,
        low_priority_price: "0.05",
        io: "10 Gb/s",
        storage_io: "Standard",
        compute: "2.6 GHz",
        has_ssd: true,
        remote_viz_allowed: false,
        is_primary: true,
        is_deprecated: false,
    },
    CoreType {
        code: "hpc-3",
        name: "HPC-3",
        description: "Compute optimised, low-latency interconnect for MPI",
        processor_info: "Intel Xeon E5-2666 v3 (Haswell)",
        cores: &[1, 2, 4, 8, 16, 18, 36],
        memory_per_core: 3750,
        storage_per_core: 40,
        gpus_per_core: 0.0,
        price: 0.09,
        low_priority_price: "0.06",
        io: "10 Gb/s",
        storage_io: "Fast",
        compute: "2.9 GHz",
        has_ssd: true,
        remote_viz_allowed: false,
        is_primary: true,
        is_deprecated: false,
    },
    CoreType {
        code: "onyx",
        name: "Onyx",
        description: "Latest generation compute, high memory bandwidth",
        processor_info: "Intel Xeon Platinum 8175M (Skylake)",
        cores: &[1, 2, 4, 8, 16, 24, 48],
        memory_per_core: 4000,
        storage_per_core: 50,
        gpus_per_core: 0.0,
        price: 0.11,
        low_priority_price: "0.08",
        io: "25 Gb/s",
        storage_io: "Fast",
        compute: "2.5 GHz",
        has_ssd: true,
        remote_viz_allowed: true,
        is_primary: true,
        is_deprecated: false,
    },
    CoreType {
        code: "carbon",
        name: "Carbon",
        description: "GPU nodes: one NVIDIA V100 per 8 cores",
        processor_info: "Intel Xeon E5-2686 v4 (Broadwell) + NVIDIA Tesla V100",
        cores: &[8, 16, 32],
        memory_per_core: 7625,
        storage_per_core: 25,
        gpus_per_core: 0.125,
        price: 0.45,
        low_priority_price: "0.30",
        io: "25 Gb/s",
        storage_io: "Fast",
        compute: "2.3 GHz",
        has_ssd: true,
        remote_viz_allowed: true,
        is_primary: false,
        is_deprecated: false,
    },
    CoreType {
        code: "nickel",
        name: "Nickel",
        description: "Previous generation compute (deprecated)",
        processor_info: "Intel Xeon X5570 (Nehalem)",
        cores: &[1, 2, 4, 8],
        memory_per_core: 2000,
        storage_per_core: 20,
        gpus_per_core: 0.0,
        price: 0.04,
        low_priority_price: "0.03",
        io: "1 Gb/s",
        storage_io: "Standard",
        compute: "2.9 GHz",
        has_ssd: false,
        remote_viz_allowed: false,
        is_primary: false,
        is_deprecated: true,
    },
];

/// Finds a core type by code.
pub(crate) fn core_type(code: &str) -> Option<&'static CoreType> {
    CORE_TYPES.iter().find(|c| c.code == code)
}

/// One version of a piece of software.
#[derive(Debug)]
pub(crate) struct AnalysisVersion {
    /// Shown to people (`versionName` in a job), e.g. `R9.0.0`.
    pub version: &'static str,
    /// What a job names (`analysis.version` in a job), e.g. `9.0.0`.
    pub version_code: &'static str,
    pub allowed_core_types: &'static [&'static str],
    pub std_command: &'static str,
    pub mpi_command: &'static str,
    pub smp_command: &'static str,
}

/// A piece of software that jobs can run.
#[derive(Debug)]
pub(crate) struct Analysis {
    pub code: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub vendor_name: &'static str,
    pub industries: &'static [&'static str],
    pub license_variable: Option<&'static str>,
    pub has_short_term_license: bool,
    pub versions: &'static [AnalysisVersion],
    /// Path, relative to the run's directory, of the result file a completed run of this
    /// software leaves behind (it may lie in a subdirectory; its name is the last part).
    pub result_file: &'static str,
}

impl Analysis {
    /// The object of `GET analyses/`.
    pub(crate) fn to_json(&self) -> Value {
        let versions: Vec<Value> = self
            .versions
            .iter()
            .map(|v| {
                json!({
                    "version": v.version,
                    "versionCode": v.version_code,
                    "allowedCoreTypes": v.allowed_core_types,
                    "stdCommand": v.std_command,
                    "mpiCommand": v.mpi_command,
                    "smpCommand": v.smp_command,
                })
            })
            .collect();
        let industries: Vec<Value> = self
            .industries
            .iter()
            .map(|name| json!({"name": name, "icon": null}))
            .collect();
        let license_settings: Vec<Value> = self
            .license_variable
            .iter()
            .map(|var| {
                json!({
                    "name": var,
                    "label": "License",
                    "helpText": "The address of the license server to use ([port]@hostname).",
                    "isServer": true,
                    "licenseType": "FlexLM",
                })
            })
            .collect();
        json!({
            "code": self.code,
            "name": self.name,
            "description": self.description,
            "vendorName": self.vendor_name,
            "versions": versions,
            "industries": industries,
            "supportDesks": [],
            "licenseSettings": license_settings,
            "hasShortTermLicense": self.has_short_term_license,
            "optimizerType": null,
            "resources": [],
            "thumbnail": null,
            "pricing": "",
        })
    }

    /// Finds a version by its code.
    pub(crate) fn version(&self, version_code: &str) -> Option<&AnalysisVersion> {
        self.versions
            .iter()
            .find(|v| v.version_code == version_code)
    }
}

const CPU_TYPES: &[&str] = &["emerald", "hpc-3", "onyx"];
const ALL_ACTIVE_TYPES: &[&str] = &["emerald", "hpc-3", "onyx", "carbon"];

/// Analyses, in list order.
pub(crate) const ANALYSES: &[Analysis] = &[
    Analysis {
        code: "ls_dyna",
        name: "LS-DYNA",
        description: "General-purpose explicit and implicit finite element program for highly nonlinear transient problems.",
        vendor_name: "Livermore Software Technology Corp.",
        industries: &["Automotive", "Aerospace", "Manufacturing"],
        license_variable: Some("LSTC_LICENSE_SERVER"),
        has_short_term_license: true,
        versions: &[
            AnalysisVersion {
                version: "R9.0.0",
                version_code: "9.0.0",
                allowed_core_types: CPU_TYPES,
                std_command: "ls-dyna -i <input-file>",
                mpi_command: "ls-dyna -n <mpi-ranks> -i <input-file> -p single",
                smp_command: "ls-dyna -n <smp-ranks> -i <input-file> -p single -smp",
            },
            AnalysisVersion {
                version: "R11.1.0",
                version_code: "11.1.0",
                allowed_core_types: CPU_TYPES,
                std_command: "ls-dyna -i <input-file>",
                mpi_command: "ls-dyna -n <mpi-ranks> -i <input-file> -p double",
                smp_command: "ls-dyna -n <smp-ranks> -i <input-file> -p double -smp",
            },
        ],
        result_file: "d3plot",
    },
    Analysis {
        code: "openfoam",
        name: "OpenFOAM",
        description: "Open-source C++ toolbox for computational fluid dynamics.",
        vendor_name: "OpenCFD Ltd",
        industries: &["Automotive", "Aerospace", "Energy"],
        license_variable: None,
        has_short_term_license: false,
        versions: &[
            AnalysisVersion {
                version: "v2012",
                version_code: "2012-openmpi",
                allowed_core_types: CPU_TYPES,
                std_command: "simpleFoam",
                mpi_command: "mpirun -np <mpi-ranks> simpleFoam -parallel",
                smp_command: "mpirun -np <smp-ranks> simpleFoam -parallel",
            },
            AnalysisVersion {
                version: "8",
                version_code: "8-openmpi",
                allowed_core_types: CPU_TYPES,
                std_command: "simpleFoam",
                mpi_command: "mpirun -np <mpi-ranks> simpleFoam -parallel",
                smp_command: "mpirun -np <smp-ranks> simpleFoam -parallel",
            },
        ],
        result_file: "postProcessing/forces/0/forces.dat",
    },
    Analysis {
        code: "abaqus",
        name: "Abaqus",
        description: "Finite element analysis suite for implicit and explicit structural simulation.",
        vendor_name: "Dassault Systemes",
        industries: &["Automotive", "Aerospace", "Life Sciences"],
        license_variable: Some("LM_LICENSE_FILE"),
        has_short_term_license: false,
        versions: &[AnalysisVersion {
            version: "2021",
            version_code: "2021-intelmpi",
            allowed_core_types: ALL_ACTIVE_TYPES,
            std_command: "abaqus job=<job> interactive",
            mpi_command: "abaqus job=<job> cpus=<mpi-ranks> mp_mode=mpi interactive",
            smp_command: "abaqus job=<job> cpus=<smp-ranks> interactive",
        }],
        result_file: "job.odb",
    },
    Analysis {
        code: "user_included",
        name: "Bring Your Own Software",
        description: "Run your own executables and scripts.",
        vendor_name: "",
        industries: &[],
        license_variable: None,
        has_short_term_license: false,
        versions: &[AnalysisVersion {
            version: "0",
            version_code: "0",
            allowed_core_types: ALL_ACTIVE_TYPES,
            std_command: "",
            mpi_command: "",
            smp_command: "",
        }],
        result_file: "output.dat",
    },
];

/// Finds an analysis by code.
pub(crate) fn analysis(code: &str) -> Option<&'static Analysis> {
    ANALYSES.iter().find(|a| a.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_is_consistent() {
        for a in ANALYSES {
            for v in a.versions {
                for ct in v.allowed_core_types {
                    let ct = core_type(ct).expect("allowed core type exists");
                    assert!(ct.is_active(), "{} allows inactive {}", a.code, ct.code);
                }
            }
        }
        let dyna = analysis("ls_dyna").and_then(|a| a.version("9.0.0"));
        assert_eq!(dyna.map(|v| v.version), Some("R9.0.0"));
        // The sample job: hpc-3 with 2 cores per node has 7500 MB and 80000 MB of storage.
        let hpc3 = core_type("hpc-3").expect("hpc-3");
        assert!(hpc3.cores.contains(&2));
        assert_eq!(hpc3.memory_per_core * 2, 7500);
        assert_eq!(hpc3.storage_per_core * 2 * 1000, 80_000);
    }
}
